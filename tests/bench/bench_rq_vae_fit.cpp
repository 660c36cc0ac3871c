// RQ-VAE training throughput on a Beauty-sized case: 12,000 items x 64 features in 200 noisy blobs
// (tests/support clusteredFeatures), the default network for 6 epochs. Prints the first epoch (with
// the k-means initialisation), steady items/s, wall and process CPU seconds, loss by epoch and the
// final codebook health. Not a CTest test; run by hand:
//   bench_rq_vae_fit [--config JSON] [--threads N] [--seed S]
// --config replaces the tokenizer config (default {"epochs": 6}). Needs no downloaded data.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_main.h"
#include "test_data.h"
#include "tokenbench/runtime.h"
#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/collisions.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace {

using namespace tokenbench::core;

struct Options final {
    std::string config = R"({"epochs": 6})";
    int threads = 0;  // 0: TOKENBENCH_THREADS or the machine's cores
    uint64_t seed = 1;
};

bool parseArgs(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&] { return tokenbench::bench::optionValue(argc, argv, i); };
        if (arg == "--config")
            options.config = value();
        else if (arg == "--threads")
            options.threads = std::stoi(value());
        else if (arg == "--seed")
            options.seed = std::stoull(value());
        else if (arg == "--help" || arg == "-h") {
            std::printf("usage: bench_rq_vae_fit [--config JSON] [--threads N] [--seed S]\n");
            return false;
        } else {
            throw std::invalid_argument("unknown argument '" + arg + "' (see --help)");
        }
    }
    return true;
}

int run(const Options& options) {
    std::printf("%s\n", describe(configureRuntime(options.threads)).c_str());
    const FeatureMatrix features = tokenbench::test::clusteredFeatures(200, 60, 64);
    auto tokenizer = createTokenizer("rq-vae", options.config);
    std::vector<double> epochEnds;  // seconds since the start of fit
    std::vector<double> losses;
    SemanticIds finalIds;
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    FitContext context;
    context.seed = options.seed;
    context.metrics = [&](int64_t, int64_t, const std::map<std::string, double>& values) {
        epochEnds.push_back(seconds());
        losses.push_back(values.at("loss"));
    };
    context.health = [&](int64_t, const SemanticIds& ids, double) { finalIds = ids; };
    const std::clock_t cpuStart = std::clock();
    tokenizer->fit(features, context);
    const double total = seconds();
    const double cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    const auto epochs = static_cast<int>(epochEnds.size());
    if (epochs < 2) throw std::runtime_error("needs at least 2 epochs to tell the steady state");
    // Epoch 1 includes the k-means initialisation; later epochs are the steady state (with a health
    // pass every 5 epochs).
    const double steady = (epochEnds.back() - epochEnds.front()) / (epochs - 1);
    std::printf(
        "rq-vae %s, %lld x %lld: first epoch (with k-means init) %.2f s, then %.0f items/s "
        "(%.2f s/epoch); %d epochs + final health in %.2f s wall, %.2f s CPU (all threads)\n",
        options.config.c_str(), static_cast<long long>(features.rows), static_cast<long long>(features.dim),
        epochEnds.front(), static_cast<double>(features.rows) / steady, steady, epochs, total, cpuSeconds);
    for (int e = 1; e <= epochs; e = e < 10 ? e + 1 : e * 2)
        std::printf("  epoch %d loss %.4f\n", e, losses[static_cast<size_t>(e - 1)]);
    for (const LevelHealth& level : levelHealth(finalIds, tokenizer->codebookSize()))
        std::printf("  level %d: %d codes used, perplexity %.1f\n", level.level, level.usedCodes, level.perplexity);
    std::printf("  collision rate %.4f\n", collisionStats(finalIds).collisionRate);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return tokenbench::bench::benchMain<Options>("bench_rq_vae_fit", argc, argv, parseArgs, run);
}
