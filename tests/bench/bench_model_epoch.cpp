// Timing of a model on Amazon Beauty 5-core (leave-one-out, 22,363 users / 12,101 items). The default
// is SASRec with the preset of the SASRec.pytorch reference: hidden 50, 2 blocks, 1 head, max length
// 50, batch 128, dropout 0.5, lr 0.001. `--model tiger` (or another generative model) with `--ids`
// (semantic IDs from `tokenbench-cli export semantic-ids`) times a generative model; its config is
// the schema's defaults plus --set. Prints seconds per epoch (wall and process CPU: the machine is
// shared, so CPU seconds compare versions more fairly than wall time) with the load average, the
// seconds of a full-ranking test evaluation (scoreUsers for every user + RankingEvaluator over all
// items) and test NDCG@10 / Recall@10. `--max-steps N` stops each epoch after N batches and
// extrapolates its time to the whole epoch. Not a CTest test; run by hand:
//   bench_model_epoch [--model M] [--ids FILE] [--epochs N] [--max-steps N] [--no-eval] [--data-dir DIR]
//                     [--loss bce|ce|hard] [--threads N] [--seed S] [--device cpu|cuda] [--set key=value]...
//                     [--eval-every N]
// `--set` overrides a model parameter (e.g. --set bucketing=false, --set negatives=2). The data
// directory (holding amazon-beauty/Beauty.txt) is --data-dir, else $TOKENBENCH_DATA; the program
// prints why it skipped and exits 0 when neither names the data.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_main.h"
#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/loaders.h"
#include "tokenbench/data/split.h"
#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/runtime.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/import_ids.h"

namespace {

using namespace tokenbench::core;

constexpr size_t kEvalChunk = 1024;  // users scored at once: 1024 x 12,101 floats = 50 MB

struct Options final {
    std::string model = "sasrec";
    std::string idsPath;  // semantic IDs of a generative model
    int64_t maxSteps = 0; // 0: whole epochs
    bool evaluate = true;
    int epochs = 3;
    int evalEvery = 0;  // 0: evaluate after the last epoch only
    std::string dataDir = std::getenv("TOKENBENCH_DATA") ? std::getenv("TOKENBENCH_DATA") : "";
    std::string device = "cpu";
    std::string loss = "bce";
    int threads = 2;
    uint64_t seed = 42;
    std::map<std::string, std::string> overrides;
};

double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return in ? one + " " + five + " " + fifteen : std::string("n/a");
}

/// Wall and CPU seconds since construction.
struct Stopwatch final {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    double cpu = cpuSeconds();
    [[nodiscard]] double wallSeconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    }
    [[nodiscard]] double cpuSecondsSince() const { return cpuSeconds() - cpu; }
};

bool parseArgs(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&] { return tokenbench::bench::optionValue(argc, argv, i); };
        if (arg == "--model") options.model = value();
        else if (arg == "--ids") options.idsPath = value();
        else if (arg == "--max-steps") options.maxSteps = std::stoll(value());
        else if (arg == "--no-eval") options.evaluate = false;
        else if (arg == "--epochs") options.epochs = std::stoi(value());
        else if (arg == "--eval-every") options.evalEvery = std::stoi(value());
        else if (arg == "--data-dir") options.dataDir = value();
        else if (arg == "--loss") options.loss = value();
        else if (arg == "--device") options.device = value();
        else if (arg == "--threads") options.threads = std::stoi(value());
        else if (arg == "--seed") options.seed = std::stoull(value());
        else if (arg == "--set") {
            const std::string pair = value();
            const size_t eq = pair.find('=');
            if (eq == std::string::npos || eq == 0) throw std::invalid_argument("--set needs key=value, got '" + pair + "'");
            options.overrides[pair.substr(0, eq)] = pair.substr(eq + 1);
        } else if (arg == "--help" || arg == "-h") {
            std::printf("usage: bench_model_epoch [--model M] [--ids FILE] [--epochs N] [--max-steps N] [--no-eval]\n"
                        "                         [--eval-every N] [--data-dir DIR] [--loss bce|ce|hard] [--threads N]\n"
                        "                         [--seed S] [--device D] [--set key=value]...\n"
                        "DIR holds amazon-beauty/Beauty.txt (default: $TOKENBENCH_DATA)\n");
            return false;
        } else {
            throw std::invalid_argument("unknown argument '" + arg + "' (see --help)");
        }
    }
    if (options.epochs < 0 || options.threads <= 0) throw std::invalid_argument("--epochs >= 0 and --threads > 0");
    return true;
}

/// SASRec: the reference preset with --loss; other models: their defaults. Then --set applied (a
/// value is parsed as JSON when it parses: numbers, true/false; else taken as a string) and the whole
/// config validated against the model's schema.
std::string modelConfig(const Options& options) {
    nlohmann::json config = nlohmann::json::object();
    if (options.model == "sasrec")
        config = {{"hidden", 50},      {"blocks", 2},           {"heads", 1},
                  {"max_length", 50},  {"batch_size", 128},     {"dropout", 0.5},
                  {"learning_rate", 0.001}, {"loss", options.loss}};
    for (const auto& [key, text] : options.overrides) {
        const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        config[key] = parsed.is_discarded() ? nlohmann::json(text) : parsed;
    }
    Registry registry;
    registerModels(registry);
    return validateConfig(registry.get(options.model), config.dump());
}

/// Full-ranking test evaluation as the engine does it: scores in chunks, RankingEvaluator over all items.
EvalReport evaluateTest(Recommender& model, const Dataset& dataset, const DataSplit& split, double& scoreSeconds) {
    std::vector<int32_t> users, targets;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const UserSplit& cut = split.users[u];
        if (static_cast<size_t>(cut.validEnd) >= dataset.users[u].items.size()) continue;
        users.push_back(static_cast<int32_t>(u));
        targets.push_back(dataset.users[u].items[static_cast<size_t>(cut.validEnd)]);
    }
    RankingEvaluator evaluator(EvalOptions{}, trainingItemCounts(dataset, split));
    std::vector<float> scores;
    std::vector<int32_t> chunk;
    scoreSeconds = 0.0;
    for (size_t begin = 0; begin < users.size(); begin += kEvalChunk) {
        const size_t end = std::min(users.size(), begin + kEvalChunk);
        chunk.assign(users.begin() + static_cast<std::ptrdiff_t>(begin), users.begin() + static_cast<std::ptrdiff_t>(end));
        const auto start = std::chrono::steady_clock::now();
        model.scoreUsers(chunk, EvalPhase::Test, scores);
        scoreSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        evaluator.addScores(scores.data(), static_cast<int64_t>(chunk.size()), targets.data() + begin, {});
    }
    return evaluator.report();
}

int run(const Options& options) {
    if (options.dataDir.empty()) {
        std::printf("skipped: no data directory (pass --data-dir DIR or set TOKENBENCH_DATA to a folder holding "
                    "amazon-beauty/Beauty.txt)\n");
        return 0;
    }
    const std::string beauty = options.dataDir + "/amazon-beauty/Beauty.txt";
    if (!std::filesystem::exists(beauty)) {
        std::printf("%s not found, skipped (pass --data-dir DIR holding amazon-beauty/Beauty.txt)\n", beauty.c_str());
        return 0;
    }
    const RuntimeInfo runtime = configureRuntime(options.threads);
    std::printf("%s\n", describe(runtime).c_str());

    Stopwatch loadWatch;
    DatasetBuilder builder;
    LoadOptions load;
    load.format = "seqtxt";
    load.paths = {beauty};
    (void)tokenbench::core::load(load, builder);
    const Dataset dataset = builder.build(PreprocessConfig{});
    const DataSplit split = makeSplit(dataset, SplitConfig{});
    std::printf("Beauty: %zu users, %zu items, %lld interactions (loaded in %.2f s)\n", dataset.users.size(),
                dataset.items.size(), static_cast<long long>(dataset.interactionCount()), loadWatch.wallSeconds());

    const std::string config = modelConfig(options);
    std::printf("config: %s, seed %llu, device %s\n", config.c_str(), static_cast<unsigned long long>(options.seed),
                options.device.c_str());
    auto model = createModel(options.model, config);
    SemanticIds ids;
    if (!options.idsPath.empty()) ids = importSemanticIds(options.idsPath, dataset, ImportedIdKind::RawId);
    Stopwatch prepareWatch;
    model->prepare(TrainingData{&dataset, &split, options.idsPath.empty() ? nullptr : &ids}, options.seed,
                   options.device);
    std::printf("prepare: %.2f s wall\n", prepareWatch.wallSeconds());

    std::vector<double> walls, cpus;
    const auto evaluate = [&](int epoch) {
        const std::string loadBefore = loadAverage();
        Stopwatch watch;
        double scoreSeconds = 0.0;
        const EvalReport report = evaluateTest(*model, dataset, split, scoreSeconds);
        const double wall = watch.wallSeconds(), cpu = watch.cpuSecondsSince();
        std::printf("eval after epoch %d: test NDCG@10 %.4f, Recall@10 %.4f, NDCG@5 %.4f, Recall@5 %.4f "
                    "(%lld targets); %.2f s wall (scoreUsers %.2f s), %.2f s CPU; load %s\n",
                    epoch, report.all.values.at("ndcg@10"), report.all.values.at("recall@10"),
                    report.all.values.at("ndcg@5"), report.all.values.at("recall@5"),
                    static_cast<long long>(report.all.targets), wall, scoreSeconds, cpu, loadBefore.c_str());
        std::fflush(stdout);
    };
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const std::string loadBefore = loadAverage();
        Stopwatch watch;
        // --max-steps: cancel after that many batches (a partial epoch: times are per step then).
        std::atomic<bool> stop{false};
        int64_t steps = 0;
        const auto onStep = [&](int64_t, double) {
            ++steps;
            if (options.maxSteps > 0 && steps >= options.maxSteps) stop = true;
        };
        EpochReport report;
        try {
            report = model->trainEpoch(onStep, &stop);
        } catch (const CancelledError&) {
        }
        walls.push_back(watch.wallSeconds());
        cpus.push_back(watch.cpuSecondsSince());
        std::printf("epoch %d: loss %.4f, %lld steps, %.2f s wall, %.2f s CPU (%.4f s wall, %.4f s CPU per step)%s; "
                    "load %s\n",
                    epoch, report.loss, static_cast<long long>(steps), walls.back(), cpus.back(),
                    walls.back() / static_cast<double>(std::max<int64_t>(1, steps)),
                    cpus.back() / static_cast<double>(std::max<int64_t>(1, steps)),
                    report.steps == 0 ? " (partial epoch)" : "", loadBefore.c_str());
        std::fflush(stdout);
        if (options.evalEvery > 0 && epoch % options.evalEvery == 0 && epoch != options.epochs) evaluate(epoch);
    }
    if (!walls.empty()) {
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
        };
        std::printf("median per epoch: %.2f s wall, %.2f s CPU over %zu epochs\n", median(walls), median(cpus),
                    walls.size());
    }
    if (options.evaluate) evaluate(options.epochs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return tokenbench::bench::benchMain<Options>("bench_model_epoch", argc, argv, parseArgs, run);
}
