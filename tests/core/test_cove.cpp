// cove (co-evolving vector quantization): the codebooks' straight-through gradients and dead-code
// restarts on the module, and, through the real binary, that training stores the learned codes as a
// tokenizer run (`tokenizer_run_id` in the JSON) with one unique ID per item that `export
// semantic-ids` writes out, codes spread over every level, and per-level utilization in the figures.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "cli_runner.h"
#include "models/cove_module.h"
#include "temp_project.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

using namespace tokenbench::core;
using tokenbench::test::runCli;

class TestCove final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quantizeGradientsReachCodewordsAndEmbeddings() {
        ResidualCodebooks codebooks(2, 4, 3);
        at::Generator generator = at::detail::createCPUGenerator(7);
        codebooks->resetParameters(generator, 1.0);
        const at::Tensor vectors = at::randn({10, 3}, generator).requires_grad_(true);
        const QuantizedItems quantized = codebooks->quantize(vectors, 0.25);
        QCOMPARE(quantized.codes.sizes().vec(), (std::vector<int64_t>{10, 2}));
        // The value is the mean of the chosen codewords...
        const at::Tensor expected =
            (codebooks->codewords[0].index_select(0, quantized.codes.select(1, 0)) +
             codebooks->codewords[1].index_select(0, quantized.codes.select(1, 1))) / 2.0;
        QVERIFY(at::allclose(quantized.codeMean, expected));
        // ...and its gradient passes straight through to the input (identity) and reaches the codewords.
        quantized.codeMean.sum().backward();
        QVERIFY(at::allclose(vectors.grad(), at::ones_like(vectors)));
        QVERIFY(codebooks->codewords.grad().abs().sum().item<double>() > 0.0);
        QVERIFY(quantized.loss.item<double>() > 0.0);
    }

    void restartMovesDeadCodesOntoBusyResiduals() {
        // Every codeword the same: all 40 vectors on one code per level, 7 dead codes per level.
        ResidualCodebooks codebooks(2, 8, 4);
        at::Generator generator = at::detail::createCPUGenerator(3);
        const at::Tensor vectors = at::randn({40, 4}, generator);
        {
            at::NoGradGuard noGrad;
            codebooks->codewords.zero_();
        }
        const at::Tensor before = codebooks->assign(vectors);
        for (int64_t l = 0; l < 2; ++l) QCOMPARE(std::get<0>(at::_unique(before.select(1, l))).numel(), int64_t{1});
        uint64_t state = 11;
        QCOMPARE(codebooks->restartDeadCodes(vectors, state), int64_t{14});
        const at::Tensor after = codebooks->assign(vectors);
        for (int64_t l = 0; l < 2; ++l) QCOMPARE(std::get<0>(at::_unique(after.select(1, l))).numel(), int64_t{8});
        // Nothing left to restart.
        QCOMPARE(codebooks->restartDeadCodes(vectors, state), int64_t{0});
    }

    void trainingStoresLearnedCodesAsTokenizerRun() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "300", "--items", "120"})
                     .exitCode,
                 0);
        const auto train = runCli({"train", "--project", project, "--dataset", "syn", "--model", "cove", "--epochs", "3",
                                   "--hidden", "16", "--blocks", "1", "--max-length", "10", "--levels", "2",
                                   "--codebook-size", "8", "--restart-every", "2", "--seed", "3", "--device", "cpu",
                                   "--json"});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        const nlohmann::json result = train.json();
        QVERIFY2(result.contains("tokenizer_run_id"), train.out.constData());
        for (const char* key : {"utilization/l0", "utilization/l1", "perplexity/l0", "perplexity/l1"})
            QVERIFY2(result.contains(key), key);
        const int64_t tokenizerRun = result.at("tokenizer_run_id").get<int64_t>();
        QVERIFY(tokenizerRun != result.at("run_id").get<int64_t>());

        // The store holds it as a completed tokenizer run; every epoch's validation has the utilization.
        {
            ExperimentStore store(projectPaths(dir.path()).database);
            const auto run = store.findRun(tokenizerRun);
            QVERIFY(run.has_value());
            QVERIFY(run->kind == RunKind::Tokenizer);
            QVERIFY(run->status == RunStatus::Completed);
        }

        // export semantic-ids accepts the run: one unique ID per item.
        const std::string out = (std::filesystem::path(dir.path()) / "cove-ids.json").string();
        const auto exported = runCli({"export", "semantic-ids", "--project", project, "--run",
                                      QString::number(tokenizerRun), "--out", QString::fromStdString(out)});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        const nlohmann::json ids = nlohmann::json::parse(std::ifstream(out));
        QCOMPARE(ids.size(), size_t{120});
        std::set<std::vector<int32_t>> unique;
        std::vector<std::set<int32_t>> perLevel(2);
        for (const auto& [item, codes] : ids.items()) {
            const auto tuple = codes.get<std::vector<int32_t>>();
            QVERIFY(tuple.size() >= 2);
            unique.insert(tuple);
            for (size_t l = 0; l < 2; ++l) perLevel[l].insert(tuple[l]);
        }
        QCOMPARE(unique.size(), size_t{120});
        // The learned levels are no collapsed code: several codewords in use at each.
        for (size_t l = 0; l < 2; ++l) QVERIFY2(perLevel[l].size() > 1, std::to_string(l).c_str());
        QVERIFY(result.at("utilization/l0").get<double>() > 0.5);
    }
};

QTEST_GUILESS_MAIN(TestCove)
#include "test_cove.moc"
