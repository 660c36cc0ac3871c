// SIGMA: the selective scan matches Mamba's recurrence computed element by element, and the
// closed-form last state matches the scan's last position (long sequences, large steps, padding,
// gradients, a layer's output too); the partial
// flip reverses the older items and keeps the recent ones; left padding changes no output (so
// batches of mixed lengths score as single users); the model trains and beats popularity on the
// synthetic set; the mixing weights start at the reference's and stay a distribution.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/utils.h>

#include <QObject>
#include <QtTest>

#include "model_checks.h"
#include "models/sigma_module.h"
#include "test_data.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

using namespace tokenbench::core;

namespace {

using Metrics = tokenbench::test::RankingMetrics;

Sigma smallNetwork(int64_t layers) {
    SigmaOptions options;
    options.items = 30;
    options.hidden = 16;
    options.layers = layers;
    options.state = 4;
    options.flipKeep = 2;
    options.dropout = 0.0;
    Sigma net(options);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(11);
    net->resetParameters(generator);
    net->eval();
    return net;
}

}  // namespace

class TestSigma final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void scanMatchesTheRecurrence();
    void lastStateMatchesTheScan();
    void flipReversesOlderItemsOnly();
    void paddingChangesNothing();
    void mixingStartsAtTheReferenceWeights();
    void trainsAndBeatsPopularity();
};

void TestSigma::scanMatchesTheRecurrence() {
    Mamba mamba(8, 3, 4, 2);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
    {
        torch::NoGradGuard noGrad;
        for (auto& p : mamba->parameters()) p.copy_(at::empty(p.sizes(), at::kFloat).normal_(0.0, 0.3, generator));
    }
    mamba->resetSsm(generator);
    torch::NoGradGuard noGrad;
    const int64_t t = 5, e = 16, n = 3, rank = 1;
    const at::Tensor x = at::empty({1, t, 8}, at::kFloat).normal_(0.0, 1.0, generator);
    const at::Tensor padding = at::zeros({1, t}, at::kBool);
    const at::Tensor fast = mamba->forward(x, padding);
    // The same block element by element: conv, SiLU, projections, then h = exp(d a) h + d b u, y = c.h + D u.
    const at::Tensor xz = mamba->inProjection->forward(x)[0];  // t x 2e
    const at::Tensor w = mamba->conv->weight.squeeze(1);        // e x k
    const at::Tensor cb = mamba->conv->bias;
    std::vector<double> h(static_cast<size_t>(e * n), 0.0);
    at::Tensor y = at::zeros({t, e});
    for (int64_t i = 0; i < t; ++i) {
        at::Tensor u = at::zeros({e});
        for (int64_t c = 0; c < e; ++c) {
            double sum = cb[c].item<double>();
            for (int64_t k = 0; k < 4; ++k) {
                const int64_t source = i - 3 + k;
                if (source >= 0) sum += w[c][k].item<double>() * xz[source][c].item<double>();
            }
            u[c] = sum / (1.0 + std::exp(-sum));
        }
        const at::Tensor projected = mamba->xProjection->forward(u.unsqueeze(0))[0];
        const at::Tensor delta = at::softplus(mamba->dtProjection->forward(projected.narrow(0, 0, rank).unsqueeze(0)))[0];
        for (int64_t c = 0; c < e; ++c) {
            double out = mamba->d[c].item<double>() * u[c].item<double>();
            for (int64_t s = 0; s < n; ++s) {
                const double a = -std::exp(mamba->aLog[c][s].item<double>());
                double& state = h[static_cast<size_t>(c * n + s)];
                state = std::exp(delta[c].item<double>() * a) * state +
                        delta[c].item<double>() * projected[rank + s].item<double>() * u[c].item<double>();
                out += projected[rank + n + s].item<double>() * state;
            }
            const double z = xz[i][e + c].item<double>();
            y[i][c] = out * z / (1.0 + std::exp(-z));
        }
    }
    const at::Tensor slow = mamba->outProjection->forward(y);
    qInfo("max difference %.3g", (fast[0] - slow).abs().max().item<double>());
    QVERIFY(at::allclose(fast[0], slow, 1e-4, 1e-5));
}

void TestSigma::lastStateMatchesTheScan() {
    // Large enough for several chunks of the closed form (B * E * N = 600 * 64 * 16 elements a position).
    const int64_t b = 600, t = 23, hidden = 32;
    Mamba mamba(hidden, 16, 4, 2);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
    {
        torch::NoGradGuard noGrad;
        for (auto& p : mamba->parameters()) p.copy_(at::empty(p.sizes(), at::kFloat).normal_(0.0, 0.2, generator));
    }
    mamba->resetSsm(generator);
    {
        torch::NoGradGuard noGrad;
        mamba->dtProjection->bias.add_(2.0);  // steps of several units: exponents far below zero
    }
    at::Tensor x = at::empty({b, t, hidden}, at::kFloat).normal_(0.0, 1.0, generator);
    at::Tensor padding = at::zeros({b, t}, at::kBool);
    for (int64_t r = 0; r < b; ++r) padding[r].narrow(0, 0, r % t).fill_(true);  // every amount of left padding
    x = x * padding.logical_not().unsqueeze(-1).to(at::kFloat);
    x.requires_grad_(true);
    const at::Tensor full = mamba->forward(x, padding).narrow(1, t - 1, 1);
    const at::Tensor last = mamba->forward(x, padding, /*lastOnly=*/true);
    QCOMPARE(last.sizes().vec(), (std::vector<int64_t>{b, 1, hidden}));
    QVERIFY(at::isfinite(last).all().item<bool>());
    const double scale = full.abs().max().item<double>();
    QVERIFY((full - last).abs().max().item<double>() <= 1e-4 * scale);
    // The same gradients flow back into the input.
    const at::Tensor probe = at::empty({b, 1, hidden}, at::kFloat).normal_(0.0, 1.0, generator);
    const at::Tensor fullGrad = torch::autograd::grad({(full * probe).sum()}, {x})[0];
    const at::Tensor lastGrad = torch::autograd::grad({(last * probe).sum()}, {x})[0];
    QVERIFY((fullGrad - lastGrad).abs().max().item<double>() <= 1e-4 * fullGrad.abs().max().item<double>());
    // A whole layer (both branches, gates, GRU, feed-forward): the last position of the full pass.
    torch::NoGradGuard noGrad;
    Sigma net = smallNetwork(2);
    const at::Tensor items = at::tensor({0, 0, 3, 8, 1, 22, 7, 5, 6, 2, 9, 4, 11, 13}, at::kLong).view({2, 7});
    const at::Tensor keep = items.ne(0).unsqueeze(-1).to(at::kFloat);
    const at::Tensor input = net->inputNorm->forward(net->itemEmbedding->forward(items)) * keep;
    const at::Tensor flipped = net->flippedPositions(items);
    const at::Tensor layerFull = net->layers[0]->forward(input, items.eq(0), flipped, nullptr);
    const at::Tensor layerLast = net->layers[0]->forward(input, items.eq(0), flipped, nullptr, /*lastOnly=*/true);
    QVERIFY((layerFull.narrow(1, 6, 1) - layerLast).abs().max().item<double>() < 1e-5);
}

void TestSigma::flipReversesOlderItemsOnly() {
    Sigma net = smallNetwork(1);  // flip_keep 2
    const at::Tensor items = at::tensor({0, 0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 8, 9, 3}, at::kLong).view({2, 9});
    const at::Tensor positions = net->flippedPositions(items);
    const std::vector<int64_t> first = {0, 1, 6, 5, 4, 3, 2, 7, 8};  // 5 older items reversed, 2 kept
    const std::vector<int64_t> second = {0, 1, 2, 3, 4, 5, 6, 7, 8};  // 3 items: one to flip, itself
    for (int64_t p = 0; p < 9; ++p) {
        QCOMPARE(positions[0][p].item<int64_t>(), first[static_cast<size_t>(p)]);
        QCOMPARE(positions[1][p].item<int64_t>(), second[static_cast<size_t>(p)]);
    }
}

void TestSigma::paddingChangesNothing() {
    for (const int64_t layers : {1, 2}) {
        Sigma net = smallNetwork(layers);
        torch::NoGradGuard noGrad;
        const at::Tensor tight = net->forward(at::tensor({4, 9, 2, 17, 5}, at::kLong).view({1, 5}));
        const at::Tensor padded = net->forward(at::tensor({0, 0, 0, 4, 9, 2, 17, 5}, at::kLong).view({1, 8}));
        QVERIFY(at::allclose(tight, padded, 1e-5, 1e-6));
        // In a batch with a longer row, too.
        const at::Tensor batch = net->forward(at::tensor({0, 0, 0, 4, 9, 2, 17, 5, 1, 2, 3, 4, 5, 6, 7, 8}, at::kLong).view({2, 8}));
        QVERIFY(at::allclose(tight[0], batch[0], 1e-5, 1e-6));
        // Order matters: the scan is not a bag of items.
        const at::Tensor reordered = net->forward(at::tensor({5, 17, 2, 9, 4}, at::kLong).view({1, 5}));
        QVERIFY(!at::allclose(tight, reordered, 1e-3, 1e-3));
    }
}

void TestSigma::mixingStartsAtTheReferenceWeights() {
    Sigma net = smallNetwork(2);
    for (const std::vector<float>& mix : net->mixingWeights()) {
        QCOMPARE(mix.size(), size_t{3});
        QVERIFY(std::abs(mix[0] - 0.1f) < 1e-5 && std::abs(mix[1] - 0.1f) < 1e-5 && std::abs(mix[2] - 0.8f) < 1e-5);
    }
}

void TestSigma::trainsAndBeatsPopularity() {
    tokenbench::test::SyntheticSplit synthetic = tokenbench::test::smallSynthetic(800, 200);
    const Dataset& dataset = synthetic.data.dataset;
    const TrainingData data{&dataset, &synthetic.split, nullptr};
    auto popularity = tokenbench::test::popularityBaseline(data);
    const Metrics base = tokenbench::test::fullRankingMetrics(*popularity, dataset, synthetic.split, EvalPhase::Test);
    auto model = createModel("sigma", R"({"hidden": 32, "state_size": 8, "max_length": 20, "batch_size": 64,
                                          "learning_rate": 0.003})");
    model->prepare(data, 1, "cpu");
    const auto started = std::chrono::steady_clock::now();
    double first = 0.0, last = 0.0;
    for (int epoch = 1; epoch <= 8; ++epoch) {
        last = model->trainEpoch({}, nullptr).loss;
        if (epoch == 1) first = last;
        QVERIFY(std::isfinite(last));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const Metrics learned = tokenbench::test::fullRankingMetrics(*model, dataset, synthetic.split, EvalPhase::Test);
    qInfo("sigma: loss %.4f -> %.4f in %.1f s; NDCG@10 %.4f vs popularity %.4f", first, last, seconds, learned.ndcg,
          base.ndcg);
    QVERIFY(last < 0.9 * first);
    QVERIFY(learned.ndcg > 1.5 * base.ndcg);
    QVERIFY(model->attention({1, 2, 3}).empty());  // no attention to show
}

QTEST_GUILESS_MAIN(TestSigma)
#include "test_sigma.moc"
