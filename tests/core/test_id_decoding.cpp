// Decoding of generative models through the IdDecoder interface, checked against references on a
// tiny TIGER trained on the synthetic set: the cached (incremental) beam search equals one that
// recomputes the whole prefix at every level, constrained and not; the exact ranking (every tuple's
// log-likelihood through the trie) equals scoring each item's tuple alone by teacher forcing.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <QObject>
#include <QtTest>

#include "models/id_beam_search.h"
#include "models/id_exact_scores.h"
#include "models/prefix_trie.h"
#include "models/tiger_id_decoder.h"
#include "models/tiger_module.h"
#include "temp_project.h"
#include "test_data.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/runtime.h"
#include "tokenbench/tokenizers/collisions.h"

using namespace tokenbench::core;

namespace {

constexpr int64_t kMaxItems = 6;

/// Beams of two searches agree: same tuples and leaves in the same order, log-probabilities within 1e-5.
void compareBeams(const std::vector<std::vector<IdBeam>>& a, const std::vector<std::vector<IdBeam>>& b) {
    QCOMPARE(a.size(), b.size());
    for (size_t u = 0; u < a.size(); ++u) {
        QCOMPARE(a[u].size(), b[u].size());
        for (size_t j = 0; j < a[u].size(); ++j) {
            QCOMPARE(a[u][j].codes, b[u][j].codes);
            QCOMPARE(a[u][j].leaf, b[u][j].leaf);
            QVERIFY2(std::abs(a[u][j].logProb - b[u][j].logProb) < 1e-5,
                     qPrintable(QString("user %1 beam %2: %3 vs %4").arg(u).arg(j).arg(a[u][j].logProb).arg(b[u][j].logProb)));
        }
    }
}

}  // namespace

class TestIdDecoding final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cachedBeamEqualsUncached();
    void exactScoresEqualBruteForce();
    void beamScoresAreExactTupleScores();

private:
    /// The encoder output for `count` users' training histories (no user token).
    TigerMemory memoryFor(int64_t first, int64_t count);

    SyntheticData m_synthetic;
    DataSplit m_split;
    SemanticIds m_ids;
    std::unique_ptr<PrefixTrie> m_trie;
    Tiger m_net{nullptr};
};

void TestIdDecoding::initTestCase() {
    configureRuntime(0);
    tokenbench::test::SyntheticSplit small = tokenbench::test::smallSynthetic(200, 200);
    m_synthetic = std::move(small.data);
    m_split = std::move(small.split);
    m_ids = resolveCollisions(SemanticIds::fromRows(m_synthetic.truth.categoryPath), CollisionStrategy::ExtraLevel,
                              FeatureMatrix{}, 12);
    m_trie = std::make_unique<PrefixTrie>(m_ids.codes, m_ids.items, m_ids.levels);

    // A tiny TIGER trained for two epochs, its weights brought into a bare network through the export.
    const std::string config = "{\"hidden\": 16, \"encoder_layers\": 1, \"decoder_layers\": 2, \"heads\": 2, "
                               "\"feed_forward\": 32, \"batch_size\": 64, \"learning_rate\": 0.005, "
                               "\"warmup_steps\": 10, \"user_buckets\": 0, \"max_items\": " +
                               std::to_string(kMaxItems) + "}";
    auto model = createModel("tiger", config);
    model->prepare(TrainingData{&m_synthetic.dataset, &m_split, &m_ids}, 3, "cpu");
    model->trainEpoch({}, nullptr);
    model->trainEpoch({}, nullptr);
    tokenbench::test::TempProject dir;
    model->exportModel(dir.path());
    TigerOptions options;
    options.hidden = 16;
    options.encoderLayers = 1;
    options.decoderLayers = 2;
    options.heads = 2;
    options.feedForward = 32;
    options.maxItems = kMaxItems;
    options.userBuckets = 0;
    options.vocab.assign(static_cast<size_t>(m_ids.levels), 0);
    for (int64_t i = 0; i < m_ids.items; ++i)
        for (int32_t l = 0; l < m_ids.levels; ++l)
            options.vocab[static_cast<size_t>(l)] = std::max<int64_t>(options.vocab[static_cast<size_t>(l)], m_ids.at(i, l) + 1);
    m_net = Tiger(options);
    const std::vector<TensorData> tensors = readSafetensors(dir.path() + "/weights.safetensors");
    torch::NoGradGuard noGrad;
    int loaded = 0;
    for (auto& item : m_net->named_parameters()) {
        const std::string& name = item.key();
        at::Tensor& parameter = item.value();
        const auto found = std::find_if(tensors.begin(), tensors.end(), [&](const TensorData& t) { return t.name == name; });
        QVERIFY2(found != tensors.end(), name.c_str());
        std::vector<float> values = found->toFloats();
        parameter.copy_(at::from_blob(values.data(), parameter.sizes(), at::kFloat));
        ++loaded;
    }
    QVERIFY(loaded > 10);
    m_net->eval();
}

TigerMemory TestIdDecoding::memoryFor(int64_t first, int64_t count) {
    const int64_t levels = m_ids.levels;
    std::vector<std::vector<int64_t>> rows;
    int64_t longest = 1;
    for (int64_t u = first; u < first + count; ++u) {
        const auto& items = m_synthetic.dataset.users[static_cast<size_t>(u)].items;
        const int64_t end = m_split.users[static_cast<size_t>(u)].trainEnd;
        const int64_t begin = std::max<int64_t>(0, end - kMaxItems);
        std::vector<int64_t> tokens;
        for (int64_t p = begin; p < end; ++p)
            for (int32_t l = 0; l < levels; ++l) tokens.push_back(m_net->codeToken(l, m_ids.at(items[static_cast<size_t>(p)], l)));
        longest = std::max(longest, end - begin);
        rows.push_back(tokens);
    }
    at::Tensor batch = at::zeros({count, longest * levels}, at::kLong);
    for (int64_t r = 0; r < count; ++r) {
        const auto& tokens = rows[static_cast<size_t>(r)];
        const auto width = static_cast<int64_t>(tokens.size());
        for (int64_t c = 0; c < width; ++c) batch[r][longest * levels - width + c] = tokens[static_cast<size_t>(c)];
    }
    return m_net->encode(batch, at::Tensor());
}

void TestIdDecoding::cachedBeamEqualsUncached() {
    torch::NoGradGuard noGrad;
    const TigerMemory memory = memoryFor(0, 12);
    for (const bool constrained : {true, false}) {
        for (const int64_t width : {1, 7, 20}) {
            TigerIdDecoder cached(*m_net, memory);
            TigerUncachedIdDecoder uncached(*m_net, memory);
            const auto fast = idBeamSearch(cached, *m_trie, width, constrained);
            const auto reference = idBeamSearch(uncached, *m_trie, width, constrained);
            compareBeams(fast, reference);
            QCOMPARE(fast.front().size(), static_cast<size_t>(width));
        }
    }
}

void TestIdDecoding::exactScoresEqualBruteForce() {
    torch::NoGradGuard noGrad;
    const int64_t users = 5;
    const TigerMemory memory = memoryFor(20, users);
    TigerIdDecoder decoder(*m_net, memory);
    const at::Tensor exact = exactLeafScores(decoder, *m_trie);  // users x nodes
    QCOMPARE(exact.sizes().vec(), (std::vector<int64_t>{users, m_trie->nodeCount()}));

    // Brute force: every item's tuple alone, teacher-forced; the log-softmax of each level over its own
    // codes, summed.
    const int64_t levels = m_ids.levels;
    for (int64_t u = 0; u < users; ++u) {
        TigerMemory one;
        one.hidden = memory.hidden.narrow(0, u, 1).expand({m_ids.items, -1, -1}).contiguous();
        one.blocked = memory.blocked.narrow(0, u, 1).expand({m_ids.items, -1, -1, -1}).contiguous();
        std::vector<int64_t> codes(m_ids.codes.begin(), m_ids.codes.end());
        const at::Tensor targets = at::from_blob(codes.data(), {m_ids.items, levels}, at::kLong);
        const at::Tensor logits = m_net->decodeAll(one, targets);
        at::Tensor total = at::zeros({m_ids.items});
        for (int64_t l = 0; l < levels; ++l) {
            const at::Tensor slice = logits.select(1, l).narrow(1, m_net->offsets()[static_cast<size_t>(l)],
                                                                 m_net->options().vocab[static_cast<size_t>(l)]);
            total += at::log_softmax(slice, -1).gather(1, targets.select(1, l).unsqueeze(1)).squeeze(1);
        }
        for (int64_t item = 0; item < m_ids.items; ++item) {
            const int32_t leaf = m_trie->find(m_ids.row(item), static_cast<int32_t>(levels));
            const float fromTrie = exact[u][leaf].item<float>();
            const float alone = total[item].item<float>();
            QVERIFY2(std::abs(fromTrie - alone) < 1e-4,
                     qPrintable(QString("user %1 item %2: %3 vs %4").arg(u).arg(item).arg(fromTrie).arg(alone)));
        }
    }

    // As item scores: items of one tuple in ascending id order, one float step apart.
    const std::vector<float> scores = exactItemScores(exact, *m_trie);
    QCOMPARE(scores.size(), static_cast<size_t>(users * m_ids.items));
    const int32_t leaf = m_trie->find(m_ids.row(7), static_cast<int32_t>(levels));
    QCOMPARE(scores[7], exact[0][leaf].item<float>());
}

void TestIdDecoding::beamScoresAreExactTupleScores() {
    torch::NoGradGuard noGrad;
    const int64_t users = 8;
    const TigerMemory memory = memoryFor(40, users);
    TigerIdDecoder forExact(*m_net, memory);
    const at::Tensor exact = exactLeafScores(forExact, *m_trie);
    TigerIdDecoder forBeam(*m_net, memory);
    const auto beams = idBeamSearch(forBeam, *m_trie, 10, true);
    for (int64_t u = 0; u < users; ++u) {
        // A beam's score is its tuple's exact log-likelihood, and the best tuple is never below the beam's best.
        for (const IdBeam& beam : beams[static_cast<size_t>(u)])
            QVERIFY(std::abs(beam.logProb - exact[u][beam.leaf].item<float>()) < 1e-4);
        float best = -INFINITY;
        for (int32_t node = 0; node < m_trie->nodeCount(); ++node)
            if (m_trie->depth(node) == m_ids.levels) best = std::max(best, exact[u][node].item<float>());
        QVERIFY(best >= beams[static_cast<size_t>(u)].front().logProb - 1e-5);
    }
}

QTEST_GUILESS_MAIN(TestIdDecoding)
#include "test_id_decoding.moc"
