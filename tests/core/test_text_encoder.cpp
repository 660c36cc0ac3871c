// The BERT sentence encoder on a tiny random model the test writes itself (config.json,
// model.safetensors, vocab.txt, modules.json, pooling config): tokenizer rules, the forward pass
// against a plain re-computation, pooling, normalisation, batching, errors and the CLI.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include <QObject>
#include <QtTest>

#include "cli_runner.h"
#include "expect_error.h"
#include "features/text_encoder/wordpiece_tokenizer.h"
#include "temp_project.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/features/text_encoder.h"
#include "tokenbench/io/safetensors.h"

using namespace tokenbench::core;
using tokenbench::test::contains;
using tokenbench::test::thrownError;

namespace {

namespace fs = std::filesystem;

constexpr int64_t kHidden = 32;
constexpr int64_t kHeads = 4;
constexpr int64_t kLayers = 2;
constexpr int64_t kInter = 64;
constexpr int64_t kPositions = 40;
constexpr double kEps = 1e-12;

const std::vector<std::string> kVocab = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "blue", "red", "pen", "pens", "paper", "office",
    "desk", "chair", "stapler", "ink", "black", "cafe", "naive", "un", "##able", "##s", "##ing", "##er", "work",
    "print", "##ed", "note", "book", "##book", ",", ".", "!", "-", "(", ")", "'", "/", "&", "$", "中", "文",
    "and", "with", "for", "of", "pack", "set", "12", "1", "2", "##2", "x", "large", "small", "gel", "roll", "##ball",
    "tape"};

/// Writes a sentence-transformers folder with random weights; returns its tensors (for the re-computation).
std::vector<TensorData> writeTinyBert(const std::string& dir, const std::string& pooling, bool normalize,
                                      int64_t maxSeqLength = 16, const std::string& skipTensor = {}) {
    fs::create_directories(dir + "/1_Pooling");
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.0f, 0.3f);
    std::vector<TensorData> tensors;
    const auto add = [&](const std::string& name, std::vector<int64_t> shape, bool ones = false) {
        int64_t count = 1;
        for (int64_t d : shape) count *= d;
        std::vector<float> values(static_cast<size_t>(count));
        for (float& v : values) v = ones ? 1.0f + 0.1f * normal(rng) : normal(rng);
        if (name != skipTensor) tensors.push_back(TensorData::fromFloats(name, std::move(shape), values));
    };
    const auto vocab = static_cast<int64_t>(kVocab.size());
    add("embeddings.word_embeddings.weight", {vocab, kHidden});
    add("embeddings.position_embeddings.weight", {kPositions, kHidden});
    add("embeddings.token_type_embeddings.weight", {2, kHidden});
    add("embeddings.LayerNorm.weight", {kHidden}, true);
    add("embeddings.LayerNorm.bias", {kHidden});
    for (int64_t i = 0; i < kLayers; ++i) {
        const std::string p = "encoder.layer." + std::to_string(i) + ".";
        for (const char* n : {"query", "key", "value"}) {
            add(p + "attention.self." + n + ".weight", {kHidden, kHidden});
            add(p + "attention.self." + n + ".bias", {kHidden});
        }
        add(p + "attention.output.dense.weight", {kHidden, kHidden});
        add(p + "attention.output.dense.bias", {kHidden});
        add(p + "attention.output.LayerNorm.weight", {kHidden}, true);
        add(p + "attention.output.LayerNorm.bias", {kHidden});
        add(p + "intermediate.dense.weight", {kInter, kHidden});
        add(p + "intermediate.dense.bias", {kInter});
        add(p + "output.dense.weight", {kHidden, kInter});
        add(p + "output.dense.bias", {kHidden});
        add(p + "output.LayerNorm.weight", {kHidden}, true);
        add(p + "output.LayerNorm.bias", {kHidden});
    }
    writeSafetensors(dir + "/model.safetensors", tensors);
    std::ofstream(dir + "/config.json") << R"({"model_type": "bert", "vocab_size": )" << vocab
                                        << R"(, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 64, "max_position_embeddings": 40, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
        "hidden_act": "gelu"})";
    std::ofstream vocabFile(dir + "/vocab.txt");
    for (const std::string& token : kVocab) vocabFile << token << "\n";
    vocabFile.close();
    std::ofstream(dir + "/tokenizer_config.json") << R"({"do_lower_case": true, "tokenizer_class": "BertTokenizer"})";
    std::ofstream(dir + "/sentence_bert_config.json") << R"({"max_seq_length": )" << maxSeqLength << "}";
    std::string modules = R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"})";
    if (normalize) modules += R"(, {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})";
    std::ofstream(dir + "/modules.json") << modules << "]";
    std::ofstream(dir + "/1_Pooling/config.json")
        << R"({"word_embedding_dimension": 32, "pooling_mode_cls_token": )" << (pooling == "cls" ? "true" : "false")
        << R"(, "pooling_mode_mean_tokens": )" << (pooling == "mean" ? "true" : "false") << "}";
    return tensors;
}

torch::Tensor tensor(const std::vector<TensorData>& tensors, const std::string& name) {
    for (const TensorData& t : tensors) {
        if (t.name == name) {
            std::vector<float> v = t.toFloats();
            return torch::from_blob(v.data(), t.shape, torch::kFloat32)
                .clone()
                .to(torch::kFloat64);
        }
    }
    throw std::runtime_error("test: no tensor " + name);
}

/// LayerNorm written out: (x - mean) / sqrt(var + eps) * w + b, biased variance.
torch::Tensor layerNorm(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
    const torch::Tensor mean = x.mean(-1, true);
    const torch::Tensor var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / (var + kEps).sqrt() * w + b;
}

/// Hidden states [L, H] of one unpadded sequence, in double precision, one head at a time.
torch::Tensor referenceHidden(const std::vector<TensorData>& t, const std::vector<int32_t>& ids) {
    const auto length = static_cast<int64_t>(ids.size());
    torch::Tensor x = torch::zeros({length, kHidden}, torch::kFloat64);
    const torch::Tensor word = tensor(t, "embeddings.word_embeddings.weight");
    const torch::Tensor pos = tensor(t, "embeddings.position_embeddings.weight");
    const torch::Tensor type = tensor(t, "embeddings.token_type_embeddings.weight");
    for (int64_t i = 0; i < length; ++i) x[i].copy_(word[ids[static_cast<size_t>(i)]] + pos[i] + type[0]);
    x = layerNorm(x, tensor(t, "embeddings.LayerNorm.weight"), tensor(t, "embeddings.LayerNorm.bias"));
    const int64_t d = kHidden / kHeads;
    for (int64_t l = 0; l < kLayers; ++l) {
        const std::string p = "encoder.layer." + std::to_string(l) + ".";
        const auto lin = [&](const torch::Tensor& in, const std::string& name) {
            return in.matmul(tensor(t, p + name + ".weight").t()) + tensor(t, p + name + ".bias");
        };
        const torch::Tensor q = lin(x, "attention.self.query");
        const torch::Tensor k = lin(x, "attention.self.key");
        const torch::Tensor v = lin(x, "attention.self.value");
        std::vector<torch::Tensor> heads;
        for (int64_t h = 0; h < kHeads; ++h) {
            const torch::Tensor qh = q.narrow(1, h * d, d), kh = k.narrow(1, h * d, d), vh = v.narrow(1, h * d, d);
            const torch::Tensor s = qh.matmul(kh.t()) / std::sqrt(static_cast<double>(d));
            const torch::Tensor e = (s - std::get<0>(s.max(1, true))).exp();
            heads.push_back((e / e.sum(1, true)).matmul(vh));
        }
        x = layerNorm(lin(torch::cat(heads, 1), "attention.output.dense") + x,
                      tensor(t, p + "attention.output.LayerNorm.weight"), tensor(t, p + "attention.output.LayerNorm.bias"));
        const torch::Tensor a = lin(x, "intermediate.dense");
        const torch::Tensor g = 0.5 * a * (1.0 + (a / std::sqrt(2.0)).erf());
        x = layerNorm(lin(g, "output.dense") + x, tensor(t, p + "output.LayerNorm.weight"),
                      tensor(t, p + "output.LayerNorm.bias"));
    }
    return x;
}

WordPieceTokenizer tokenizer(int32_t maxLength = 256, bool lowerCase = true) {
    WordPieceOptions options;
    options.lowerCase = lowerCase;
    options.stripAccents = lowerCase;
    options.maxLength = maxLength;
    return WordPieceTokenizer(kVocab, options);
}

using Strings = std::vector<std::string>;

}  // namespace

class TestTextEncoder final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void basicTokenizerLowersStripsAccentsAndSplitsPunctuation() {
        const WordPieceTokenizer tok = tokenizer();
        QCOMPARE(tok.basicTokens("Blue PENS, Café naïve!"), (Strings{"blue", "pens", ",", "cafe", "naive", "!"}));
        QCOMPARE(tok.basicTokens("  gel\tpen\n(12-pack)\x01 "), (Strings{"gel", "pen", "(", "12", "-", "pack", ")"}));
        QCOMPARE(tok.basicTokens("中文pen"), (Strings{"中", "文", "pen"}));
        QCOMPARE(tok.basicTokens("ÉCOLE Ärger"), (Strings{"ecole", "arger"}));
        const WordPieceTokenizer cased = tokenizer(256, false);
        QCOMPARE(cased.basicTokens("Café PEN"), (Strings{"Café", "PEN"}));
    }

    void wordPieceTakesLongestPiecesAndUnknownWords() {
        const WordPieceTokenizer tok = tokenizer();
        QCOMPARE(tok.pieces("unable notebook printed"), (Strings{"un", "##able", "note", "##book", "print", "##ed"}));
        QCOMPARE(tok.pieces("rollerball"), (Strings{"roll", "##er", "##ball"}));
        QCOMPARE(tok.pieces("pens"), (Strings{"pens"}));  // the whole word wins over pen + ##s
        QCOMPARE(tok.pieces("zebra pen"), (Strings{"[UNK]", "pen"}));
        QCOMPARE(tok.pieces("penq"), (Strings{"[UNK]"}));  // no piece for the tail: the whole word is unknown
        QCOMPARE(tok.pieces(std::string(101, 'a')), (Strings{"[UNK]"}));
        QCOMPARE(tok.pieces("122"), (Strings{"12", "##2"}));
    }

    void encodeAddsSpecialTokensAndTruncates() {
        const WordPieceTokenizer tok = tokenizer(6);
        QCOMPARE(tok.encode("blue pen"), (std::vector<int32_t>{2, 7, 9, 3}));
        // [CLS] + 4 pieces + [SEP]: "notebook" is cut after its first piece.
        QCOMPARE(tok.encode("red blue notebook desk chair"), (std::vector<int32_t>{2, 8, 7, 28, 30, 3}));
        QCOMPARE(tok.encode(""), (std::vector<int32_t>{2, 3}));
    }

    void encoderMatchesAPlainRecomputation() {
        tokenbench::test::TempProject dir;
        const std::string folder = dir.file("tiny-bert");
        const auto tensors = writeTinyBert(folder, "mean", false);
        const SentenceEncoder encoder(folder);
        QCOMPARE(encoder.info().dim, kHidden);
        QCOMPARE(encoder.info().pooling, std::string("mean"));
        QCOMPARE(encoder.info().name, std::string("tiny-bert"));
        const std::string text = "Blue gel pens, 12-pack";
        const std::vector<int32_t> ids = encoder.tokenize(text);
        QCOMPARE(static_cast<int64_t>(ids.size()), int64_t{9});
        const torch::Tensor expected = referenceHidden(tensors, ids).mean(0);
        const FeatureMatrix got = encoder.encode({text});
        QCOMPARE(got.rows, int64_t{1});
        QCOMPARE(got.dim, kHidden);
        for (int64_t c = 0; c < kHidden; ++c)
            QVERIFY2(std::abs(got.values[static_cast<size_t>(c)] - expected[c].item<double>()) < 1e-4,
                     std::to_string(c).c_str());
    }

    void clsPoolingTakesTheFirstTokenAndNormalizeGivesUnitRows() {
        tokenbench::test::TempProject dir;
        const std::string folder = dir.file("cls-bert");
        const auto tensors = writeTinyBert(folder, "cls", true);
        const SentenceEncoder encoder(folder);
        QVERIFY(encoder.info().normalize);
        const std::string text = "red stapler and ink";
        const torch::Tensor cls = referenceHidden(tensors, encoder.tokenize(text))[0];
        const torch::Tensor expected = cls / cls.norm();
        const FeatureMatrix got = encoder.encode({text, "paper", "a large desk chair with tape"});
        for (int64_t c = 0; c < kHidden; ++c)
            QVERIFY(std::abs(got.values[static_cast<size_t>(c)] - expected[c].item<double>()) < 1e-4);
        for (int64_t r = 0; r < got.rows; ++r) {
            double norm = 0;
            for (int64_t c = 0; c < got.dim; ++c) norm += double(got.row(r)[c]) * got.row(r)[c];
            QVERIFY(std::abs(std::sqrt(norm) - 1.0) < 1e-5);
        }
    }

    void batchingAndPaddingLeaveEachRowAlone() {
        tokenbench::test::TempProject dir;
        const std::string folder = dir.file("mean-bert");
        writeTinyBert(folder, "mean", true);
        const SentenceEncoder encoder(folder);
        const Strings texts = {"pen", "blue gel pens with black ink, 12-pack", "office desk", "", "note book set"};
        const FeatureMatrix together = encoder.encode(texts, {}, 3);
        for (size_t i = 0; i < texts.size(); ++i) {
            const FeatureMatrix alone = encoder.encode({texts[i]}, {}, 1);
            for (int64_t c = 0; c < kHidden; ++c)
                QVERIFY2(std::abs(alone.values[static_cast<size_t>(c)] - together.row(static_cast<int64_t>(i))[c]) < 1e-5,
                         texts[i].c_str());
        }
    }

    void progressIsReportedAndCancelStops() {
        tokenbench::test::TempProject dir;
        const std::string folder = dir.file("bert");
        writeTinyBert(folder, "mean", false);
        const SentenceEncoder encoder(folder);
        std::vector<double> fractions;
        FeatureProgress progress;
        progress.report = [&](double f, const std::string&) { fractions.push_back(f); };
        (void)encoder.encode(Strings(5, "pen"), progress, 2);
        QCOMPARE(fractions, (std::vector<double>{0.4, 0.8, 1.0}));
        std::atomic<bool> cancel{false};
        progress.cancel = &cancel;
        progress.report = [&](double, const std::string&) { cancel = true; };
        QVERIFY(thrownError<CancelledError>([&] { (void)encoder.encode(Strings(5, "pen"), progress, 2); }));
    }

    void truncationFollowsSentenceBertConfig() {
        tokenbench::test::TempProject dir;
        const std::string folder = dir.file("short");
        writeTinyBert(folder, "mean", false, 4);
        const SentenceEncoder encoder(folder);
        QCOMPARE(encoder.info().maxSeqLength, 4);
        QCOMPARE(encoder.tokenize("blue red pen paper").size(), size_t{4});
        const std::string capped = dir.file("capped");
        writeTinyBert(capped, "mean", false, 512);
        QCOMPARE(SentenceEncoder(capped).info().maxSeqLength, int32_t{kPositions});
    }

    void missingTensorAndBadConfigNameTheFile() {
        tokenbench::test::TempProject dir;
        const std::string folder = dir.file("broken");
        writeTinyBert(folder, "mean", false, 16, "encoder.layer.1.output.dense.bias");
        auto error = thrownError<DataError>([&] { SentenceEncoder encoder(folder); });
        QVERIFY(error);
        QVERIFY2(contains(error->what(), "model.safetensors") && contains(error->what(), "encoder.layer.1.output.dense.bias"),
                 error->what());

        const std::string noHidden = dir.file("no-hidden");
        writeTinyBert(noHidden, "mean", false);
        std::ofstream(noHidden + "/config.json") << R"({"vocab_size": 60, "num_hidden_layers": 2})";
        error = thrownError<DataError>([&] { SentenceEncoder encoder(noHidden); });
        QVERIFY(error);
        QVERIFY2(contains(error->what(), "config.json") && contains(error->what(), "hidden_size"), error->what());

        const std::string badPooling = dir.file("bad-pooling");
        writeTinyBert(badPooling, "none", false);
        error = thrownError<DataError>([&] { SentenceEncoder encoder(badPooling); });
        QVERIFY(error);
        QVERIFY2(contains(error->what(), "1_Pooling/config.json"), error->what());

        const std::string noVocab = dir.file("no-vocab");
        writeTinyBert(noVocab, "mean", false);
        fs::remove(noVocab + "/vocab.txt");
        error = thrownError<DataError>([&] { SentenceEncoder encoder(noVocab); });
        QVERIFY(error);
        QVERIFY2(contains(error->what(), "vocab.txt"), error->what());

        QVERIFY(thrownError<std::invalid_argument>([&] { SentenceEncoder encoder(dir.file("nowhere")); }));
    }

    void cliBuildsATextEncoderFeatureSet() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        const std::string folder = dir.file("MiniBert");
        writeTinyBert(folder, "mean", true);
        QCOMPARE(tokenbench::test::runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users",
                                           "300", "--items", "120", "--branching", "3", "2", "2"})
                     .exitCode,
                 0);
        const auto built = tokenbench::test::runCli({"features", "build", "--project", project, "--dataset", "syn",
                                                     "--kind", "text-encoder", "--model-dir",
                                                     QString::fromStdString(folder), "--text-fields", "title", "--json"});
        QVERIFY2(built.exitCode == 0, built.err.constData());
        const auto json = built.json();
        QCOMPARE(json.at("rows").get<int>(), 120);
        QCOMPARE(json.at("dim").get<int>(), int(kHidden));
        QCOMPARE(json.at("name").get<std::string>(), std::string("text-encoder-MiniBert"));
        QCOMPARE(json.at("config").at("model_name").get<std::string>(), std::string("MiniBert"));
        QVERIFY(json.at("config").at("text_fields") == nlohmann::json::array({"title"}));
        const auto missing = tokenbench::test::runCli({"features", "build", "--project", project, "--dataset", "syn",
                                                       "--kind", "text-encoder", "--name", "x"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("--model-dir"), missing.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTextEncoder)
#include "test_text_encoder.moc"
