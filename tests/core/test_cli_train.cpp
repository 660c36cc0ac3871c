// The train, eval, attention, export model, model-embeddings features and run commands through the
// real binary: the JSON keys the issue names literally, exit codes, clear errors for bad input, and
// progress as whole lines when stderr is no terminal.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <QObject>
#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"

using tokenbench::test::runCli;

class TestCliTrain final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void trainEvalAttentionExport() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "400", "--items",
                         "150"}).exitCode, 0);
        const auto train = runCli({"train", "--project", project, "--dataset", "syn", "--model", "sasrec", "--epochs",
                                   "2", "--hidden", "16", "--blocks", "1", "--max-length", "10", "--seed", "3",
                                   "--device", "cpu", "--json"});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        // stderr is a pipe here: progress comes as whole lines, never a carriage-return bar.
        QVERIFY2(!train.err.contains('\r'), train.err.constData());
        QVERIFY2(train.err.contains("progress: train  epoch 1/"), train.err.constData());
        const auto j = train.json();
        for (const char* key : {"run_id", "epochs", "seconds_per_epoch", "valid", "test", "test_cold"}) QVERIFY2(j.contains(key), key);
        for (const char* split : {"valid", "test"})
            for (const char* key : {"recall@5", "ndcg@5", "recall@10", "ndcg@10", "recall@20", "ndcg@20", "mrr"})
                QVERIFY2(j.at(split).contains(key), key);
        QCOMPARE(j.at("epochs").get<int>(), 2);
        const QString run = QString::number(j.at("run_id").get<int64_t>());

        const auto eval = runCli({"eval", "--project", project, "--run", run, "--json"});
        QVERIFY2(eval.exitCode == 0, eval.err.constData());
        QCOMPARE(eval.json().at("ndcg@10").get<double>(), j.at("test").at("ndcg@10").get<double>());

        const auto attention = runCli({"attention", "--project", project, "--run", run, "--user", "#0", "--json"});
        QVERIFY2(attention.exitCode == 0, attention.err.constData());
        const auto maps = attention.json().at("maps");
        QCOMPARE(maps.size(), size_t{1});
        QCOMPARE(maps[0].at("labels").size(), maps[0].at("cols").get<size_t>());

        const QString out = QString::fromStdString(dir.file("export"));
        const auto exported = runCli({"export", "model", "--project", project, "--run", run, "--out", out});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        for (const char* file : {"weights.safetensors", "config.json", "items.json"})
            QVERIFY2(std::filesystem::file_size(dir.file("export") + "/" + file) > 100, file);

        // Bad requests: exit 1 and a message that names the problem.
        const auto unknownRun = runCli({"eval", "--project", project, "--run", "999"});
        QCOMPARE(unknownRun.exitCode, 1);
        QVERIFY(unknownRun.err.contains("no run with id 999"));
        const auto noTokenizer = runCli({"train", "--project", project, "--dataset", "syn", "--model", "tiger", "--epochs", "1"});
        QCOMPARE(noTokenizer.exitCode, 1);
        QVERIFY2(noTokenizer.err.contains("--tokenizer"), noTokenizer.err.constData());
        const auto badValue = runCli({"train", "--project", project, "--dataset", "syn", "--model", "sasrec", "--hidden", "0"});
        QCOMPARE(badValue.exitCode, 1);
        // Run settings are checked against core's run-settings schema before anything runs.
        const auto zeroEpochs = runCli({"train", "--project", project, "--dataset", "syn", "--model", "sasrec", "--epochs", "0"});
        QVERIFY(zeroEpochs.exitCode != 0);
        QVERIFY2(zeroEpochs.err.contains("--epochs"), zeroEpochs.err.constData());
        const auto badMetric = runCli({"train", "--project", project, "--dataset", "syn", "--model", "sasrec",
                                       "--valid-metric", "auc"});
        QVERIFY(badMetric.exitCode != 0);
        QVERIFY2(badMetric.err.contains("--valid-metric"), badMetric.err.constData());
    }

    void budgetBeforeAnyValidationStillTests() {
        // Validation every 100 epochs and a 3-second budget: the budget ends the run after an epoch or
        // two that were never validated. The last complete epoch is validated then and tested.
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "3000", "--items",
                         "300"}).exitCode, 0);
        const auto r = runCli({"--threads", "1", "train", "--project", project, "--dataset", "syn", "--model", "sasrec",
                               "--epochs", "200", "--eval-every", "100", "--max-minutes", "0.05", "--hidden", "32",
                               "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto j = r.json();
        QCOMPARE(j.at("status").get<std::string>(), std::string("completed"));
        QVERIFY(j.at("best_epoch").get<int>() >= 1);
        QVERIFY(j.at("epochs").get<int>() < 100);
        QVERIFY(j.at("test").at("ndcg@10").get<double>() > 0.0);
    }

    void repeatsGroupsAndPairedComparison() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "400", "--items",
                         "150"}).exitCode, 0);
        const QStringList sasrec = {"train", "--project", project, "--dataset", "syn", "--model", "sasrec",
                                    "--epochs", "2", "--hidden", "16", "--blocks", "1", "--max-length", "10",
                                    "--device", "cpu", "--json"};
        const auto repeated = runCli(sasrec + QStringList{"--repeats", "3", "--seed", "5"});
        QVERIFY2(repeated.exitCode == 0, repeated.err.constData());
        const auto r = repeated.json();
        QCOMPARE(r.at("seeds"), nlohmann::json({5, 6, 7}));
        QCOMPARE(r.at("n").get<int>(), 3);
        QCOMPARE(r.at("runs").size(), size_t{3});
        std::vector<double> values;
        for (const auto& run : r.at("runs")) values.push_back(run.at("test").at("ndcg@10").get<double>());
        const double mean = (values[0] + values[1] + values[2]) / 3.0;
        QVERIFY(std::abs(r.at("mean").at("ndcg@10").get<double>() - mean) < 1e-12);
        QVERIFY(r.at("ci95").at("ndcg@10").get<double>() > 0.0);  // three seeds do not agree to the last digit
        QVERIFY(r.at("ci95").contains("recall@10"));
        const int64_t groupA = r.at("group_id").get<int64_t>();

        const auto popularity = runCli({"train", "--project", project, "--dataset", "syn", "--model", "popularity",
                                        "--seeds", "1,2", "--device", "cpu", "--json"});
        QVERIFY2(popularity.exitCode == 0, popularity.err.constData());
        const auto p = popularity.json();
        QCOMPARE(p.at("ci95").at("ndcg@10").get<double>(), 0.0);  // popularity does not depend on the seed
        const int64_t groupB = p.at("group_id").get<int64_t>();

        const auto groups = runCli({"runs", "groups", "--project", project, "--json"});
        QVERIFY2(groups.exitCode == 0, groups.err.constData());
        QCOMPARE(groups.json().at("groups").size(), size_t{2});
        QCOMPARE(groups.json().at("groups")[0].at("runs").size(), size_t{3});

        // One run against one run: the contract's keys.
        const QString runA = QString::number(r.at("runs")[0].at("run_id").get<int64_t>());
        const QString runB = QString::number(p.at("runs")[0].at("run_id").get<int64_t>());
        const auto single = runCli({"compare", "--project", project, "--runs", runA + "," + runB, "--json"});
        QVERIFY2(single.exitCode == 0, single.err.constData());
        const auto c = single.json();
        for (const char* key : {"p_value", "effect_size", "bootstrap_p_value", "mean_difference", "users", "runs"})
            QVERIFY2(c.contains(key), key);
        QCOMPARE(c.at("runs").size(), size_t{2});
        QVERIFY(std::abs(c.at("runs")[0].at("mean").get<double>() - values[0]) < 1e-12);
        QVERIFY(std::abs(c.at("runs")[1].at("mean").get<double>() - p.at("mean").at("ndcg@10").get<double>()) < 1e-12);
        QVERIFY(c.at("p_value").get<double>() >= 0.0 && c.at("p_value").get<double>() <= 1.0);
        QCOMPARE(c.at("users").get<int64_t>(), r.at("runs")[0].at("test").at("targets").get<int64_t>());

        // Two groups of seeds: per-user values averaged over each group's runs.
        const auto grouped = runCli({"compare", "--project", project, "--groups",
                                     QString::number(groupA) + "," + QString::number(groupB), "--json"});
        QVERIFY2(grouped.exitCode == 0, grouped.err.constData());
        const auto g = grouped.json();
        QCOMPARE(g.at("a").at("runs").size(), size_t{3});
        QVERIFY(std::abs(g.at("a").at("mean").get<double>() - mean) < 1e-12);
        QVERIFY(std::abs(g.at("a").at("per_user_mean").get<double>() - mean) < 1e-12);
        QVERIFY(g.at("a").at("ci95").get<double>() > 0.0);

        // Clear errors.
        const auto itself = runCli({"compare", "--project", project, "--runs", runA + "," + runA});
        QCOMPARE(itself.exitCode, 1);
        QVERIFY2(itself.err.contains("both sides"), itself.err.constData());
        const auto badMetric = runCli({"compare", "--project", project, "--runs", runA + "," + runB, "--metric", "auc"});
        QCOMPARE(badMetric.exitCode, 1);
        QVERIFY2(badMetric.err.contains("ndcg@K"), badMetric.err.constData());
        const auto badSide = runCli({"compare", "--project", project, "--runs", runA + ",x"});
        QCOMPARE(badSide.exitCode, 1);
        QVERIFY2(badSide.err.contains("not a run id"), badSide.err.constData());
        const auto missing = runCli({"compare", "--project", project, "--runs", runA + ",999"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("no run with id 999"), missing.err.constData());
        const auto duplicateSeeds = runCli(sasrec + QStringList{"--seeds", "1,1"});
        QCOMPARE(duplicateSeeds.exitCode, 1);
        QVERIFY2(duplicateSeeds.err.contains("distinct"), duplicateSeeds.err.constData());
    }

    void sweepPrintsEveryTrialAndTheBest() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "300", "--items",
                         "100"}).exitCode, 0);
        const std::string file = dir.file("sweep.json");
        {
            std::ofstream out(file);
            out << R"({"format": "tokenbench-sweep/1", "name": "small", "dataset": "syn", "model": "sasrec",
                      "search": "random", "trials": 3, "seed": 2,
                      "settings": {"epochs": 1, "device": "cpu"},
                      "fixed": {"blocks": 1, "max_length": 10},
                      "parameters": {"hidden": [8, 16], "dropout": {"min": 0.0, "max": 0.5}}})";
        }
        const auto sweep = runCli({"sweep", QString::fromStdString(file), "--project", project, "--json"});
        QVERIFY2(sweep.exitCode == 0, sweep.err.constData());
        const auto j = sweep.json();
        QCOMPARE(j.at("trials").size(), size_t{3});
        double best = -1.0;
        for (const auto& t : j.at("trials")) {
            QCOMPARE(t.at("status").get<std::string>(), std::string("completed"));
            QVERIFY(t.at("params").contains("hidden") && t.at("params").contains("dropout"));
            best = std::max(best, t.at("valid").get<double>());
        }
        QCOMPARE(j.at("best").at("valid").get<double>(), best);
        QCOMPARE(j.at("best").at("config").at("blocks").get<int>(), 1);
        QCOMPARE(j.at("best").at("config").at("hidden"), j.at("best").at("params").at("hidden"));
        const auto groups = runCli({"runs", "groups", "--project", project, "--json"});
        QCOMPARE(groups.json().at("groups")[0].at("kind").get<std::string>(), std::string("sweep"));
        QCOMPARE(groups.json().at("groups")[0].at("runs").size(), size_t{3});

        {
            std::ofstream out(file);
            out << "{\n  \"model\": \"sasrec\",\n  \"parameters\": {\"hidden\": [8,]}\n}\n";
        }
        const auto bad = runCli({"sweep", QString::fromStdString(file), "--project", project});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("sweep.json:3:"), bad.err.constData());
    }

    void featuresBuildTakesAModelRunsItemTable() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "300", "--items",
                         "100"}).exitCode, 0);
        const auto train = runCli({"train", "--project", project, "--dataset", "syn", "--model", "sasrec", "--epochs",
                                   "1", "--hidden", "16", "--blocks", "1", "--max-length", "10", "--device", "cpu",
                                   "--json"});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        const QString run = QString::number(train.json().at("run_id").get<int64_t>());

        const auto built = runCli({"features", "build", "--project", project, "--dataset", "syn", "--kind",
                                   "model-embeddings", "--run", run, "--json"});
        QVERIFY2(built.exitCode == 0, built.err.constData());
        const QString name = "model-embeddings-run" + run;
        QCOMPARE(QString::fromStdString(built.json().at("name").get<std::string>()), name);
        QCOMPARE(built.json().at("rows").get<int>(), 100);
        QCOMPARE(built.json().at("dim").get<int>(), 16);
        QCOMPARE(built.json().at("config").at("run").get<int64_t>(), train.json().at("run_id").get<int64_t>());
        const auto tokenized = runCli({"tokenize", "--project", project, "--dataset", "syn", "--features", name,
                                       "--method", "rq-kmeans", "--levels", "2", "--codebook-size", "8", "--json"});
        QVERIFY2(tokenized.exitCode == 0, tokenized.err.constData());
        QCOMPARE(QString::fromStdString(tokenized.json().at("feature_set").get<std::string>()), name);

        // Bad runs: exit 1, a message naming the problem, no feature set.
        const auto noRun = runCli({"features", "build", "--project", project, "--dataset", "syn", "--kind",
                                   "model-embeddings"});
        QCOMPARE(noRun.exitCode, 1);
        QVERIFY2(noRun.err.contains("needs a model run (--run RUN_ID of `features build`"), noRun.err.constData());
        const auto tokenizerRun = QString::number(tokenized.json().at("run_id").get<int64_t>());
        const auto notModel = runCli({"features", "build", "--project", project, "--dataset", "syn", "--kind",
                                      "attributes+model-embeddings", "--run", tokenizerRun});
        QCOMPARE(notModel.exitCode, 1);
        QVERIFY2(notModel.err.contains("is a tokenizer run"), notModel.err.constData());
        const auto list = runCli({"features", "list", "--project", project, "--json"});
        QCOMPARE(list.json().at("feature_sets").size(), size_t{1});
    }

    void tigerTrainJsonAndExactEval() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        const std::string file = dir.file("ids.json");
        std::ofstream(file) << R"({"format": "tokenbench-experiment/1", "name": "ids",
            "dataset": {"name": "syn", "synthetic": {"users": 200, "items": 80, "seed": 2}},
            "features": [{"name": "ac", "kinds": "attributes+cooccurrence", "dim": 8}],
            "tokenizers": [{"name": "rqk", "method": "rq-kmeans", "features": "ac", "config": {"levels": 2, "codebook_size": 8}}]})";
        const auto ids = runCli({"run", QString::fromStdString(file), "--project", project, "--json"});
        QVERIFY2(ids.exitCode == 0, ids.err.constData());
        const QString tokenizer = QString::number(ids.json().at("tokenizers")[0].at("run_id").get<int64_t>());
        const auto train = runCli({"train", "--project", project, "--dataset", "syn", "--model", "tiger", "--tokenizer",
                                   tokenizer, "--epochs", "1", "--hidden", "16", "--encoder-layers", "1",
                                   "--decoder-layers", "1", "--heads", "2", "--feed-forward", "32", "--json"});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        // stderr is a pipe here: progress comes as whole lines, never a carriage-return bar.
        QVERIFY2(!train.err.contains('\r'), train.err.constData());
        QVERIFY2(train.err.contains("progress: train  epoch 1/"), train.err.constData());
        const auto j = train.json();
        for (const char* key : {"invalid_rate", "invalid_id_rate", "duplicate_rate"}) QVERIFY2(j.contains(key), key);
        QCOMPARE(j.at("invalid_rate").get<double>(), 0.0);  // constrained decoding
        const QString run = QString::number(j.at("run_id").get<int64_t>());

        const auto eval = runCli({"eval", "--project", project, "--run", run, "--exact", "--exact-users", "25", "--json"});
        QVERIFY2(eval.exitCode == 0, eval.err.constData());
        const auto e = eval.json();
        QCOMPARE(e.at("ndcg@10").get<double>(), j.at("test").at("ndcg@10").get<double>());  // every target, as before
        for (const char* group : {"exact", "exact_beam"}) {
            QVERIFY2(e.contains(group), group);
            for (const char* key : {"ndcg@10", "recall@10", "mrr"}) QVERIFY2(e.at(group).contains(key), key);
            QCOMPARE(e.at(group).at("users").get<int64_t>(), int64_t{25});
            QCOMPARE(e.at(group).at("targets").get<int64_t>(), int64_t{25});
        }
        QVERIFY(e.at("exact_beam").contains("invalid_rate"));
        // The exact ranking's best is at least as likely as the beam's, so its recall@20 is rarely lower;
        // what must hold: the figures are rates.
        for (const char* group : {"exact", "exact_beam"}) {
            const double recall = e.at(group).at("recall@20").get<double>();
            QVERIFY(recall >= 0.0 && recall <= 1.0);
        }

        // Models without an exact ranking say so.
        const auto pop = runCli({"train", "--project", project, "--dataset", "syn", "--model", "popularity", "--epochs",
                                 "1", "--json"});
        QVERIFY2(pop.exitCode == 0, pop.err.constData());
        const auto noExact = runCli({"eval", "--project", project, "--run",
                                     QString::number(pop.json().at("run_id").get<int64_t>()), "--exact"});
        QCOMPARE(noExact.exitCode, 1);
        QVERIFY2(noExact.err.contains("no exact ranking"), noExact.err.constData());
    }

    void runExperimentFile() {
        tokenbench::test::TempProject dir;
        const std::string file = dir.file("exp.json");
        std::ofstream(file) << R"({"format": "tokenbench-experiment/1", "name": "tiny",
            "dataset": {"name": "tiny", "synthetic": {"users": 200, "items": 80, "seed": 1}},
            "features": [{"name": "ac", "kinds": "attributes+cooccurrence", "dim": 8}],
            "tokenizers": [{"name": "rqk", "method": "rq-kmeans", "features": "ac", "config": {"levels": 2, "codebook_size": 8}}],
            "models": [{"name": "pop", "model": "popularity", "epochs": 1},
                       {"name": "sas", "model": "sasrec", "epochs": 1, "seeds": [1, 2], "device": "cpu",
                        "config": {"hidden": 8, "blocks": 1, "max_length": 10}}],
            "comparisons": [{"a": "pop", "b": "sas"}]})";
        const QStringList run = {"run", QString::fromStdString(file), "--project", QString::fromStdString(dir.path()),
                                 "--json"};
        const auto result = runCli(run);
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const auto j = result.json();
        QCOMPARE(j.at("tokenizers").size(), size_t{1});
        QVERIFY(j.at("models")[0].at("test").contains("ndcg@10"));
        // A model with seeds is a repeat; the comparison pairs the popularity run with both seeds' runs.
        const auto& repeated = j.at("models")[1];
        QCOMPARE(repeated.at("run_ids").size(), size_t{2});
        QVERIFY(repeated.at("ci95").contains("ndcg@10"));
        const auto& comparison = j.at("comparisons")[0];
        QCOMPARE(comparison.at("b").at("runs"), repeated.at("run_ids"));
        QVERIFY(std::abs(comparison.at("b").at("mean").get<double>() -
                         repeated.at("mean").at("ndcg@10").get<double>()) < 1e-12);
        QVERIFY(comparison.contains("p_value") && comparison.contains("effect_size"));
        // Run again: both models are reused, and the comparison comes out the same.
        const auto again = runCli(run);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QVERIFY(again.json().at("models")[1].at("reused").get<bool>());
        QCOMPARE(again.json().at("comparisons")[0].at("p_value"), comparison.at("p_value"));

        std::ofstream(dir.file("unknown.json")) << R"({"format": "tokenbench-experiment/1", "name": "x",
            "dataset": {"name": "tiny", "synthetic": {"users": 200, "items": 80}},
            "models": [{"name": "pop", "model": "popularity"}], "comparisons": [{"a": "pop", "b": "sas"}]})";
        const auto unknown = runCli({"run", QString::fromStdString(dir.file("unknown.json"))});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("comparisons[0].b"), unknown.err.constData());

        std::ofstream(dir.file("bad.json")) << "{\"name\": \"x\",\n \"dataset\": [}\n";
        const auto bad = runCli({"run", QString::fromStdString(dir.file("bad.json"))});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("bad.json:2"), bad.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
