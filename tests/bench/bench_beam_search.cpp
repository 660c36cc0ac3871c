// Timing of a stored generative model run's ranking, as the `eval` command ranks (same batches, same
// evaluator): the first --users test (or valid) targets of the run's data set, or all of them. Prints
// wall and process CPU seconds, the load average, NDCG@10 and the model's eval stats, so versions of
// the beam search compare on the same machine. Not a CTest test; run by hand:
//   bench_beam_search --project DIR --run ID [--users N] [--threads N] [--split valid|test] [--repeat N]
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench_main.h"
#include "tokenbench/runtime.h"
#include "training/model_evaluation.h"
#include "training/model_run.h"

namespace {

using namespace tokenbench::core;

struct Options final {
    std::string project;
    int64_t run = 0;
    int64_t users = 0;  // 0: every target
    int threads = 2;
    int repeat = 1;
    std::string split = "test";
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

bool parse(int argc, char** argv, Options& o) {
    using tokenbench::bench::optionValue;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--project") o.project = optionValue(argc, argv, i);
        else if (a == "--run") o.run = std::stoll(optionValue(argc, argv, i));
        else if (a == "--users") o.users = std::stoll(optionValue(argc, argv, i));
        else if (a == "--threads") o.threads = std::stoi(optionValue(argc, argv, i));
        else if (a == "--repeat") o.repeat = std::stoi(optionValue(argc, argv, i));
        else if (a == "--split") o.split = optionValue(argc, argv, i);
        else {
            std::printf("bench_beam_search --project DIR --run ID [--users N] [--threads N] [--split valid|test] "
                        "[--repeat N]\n");
            return false;
        }
    }
    if (o.project.empty() || o.run <= 0) throw std::invalid_argument("--project and --run are required");
    return true;
}

int run(const Options& o) {
    (void)configureRuntime(o.threads);
    RestoredRun restored = restoreModelRun(o.project, o.run);
    const TrainingInputs& in = *restored.inputs;
    const EvalPhase phase = o.split == "valid" ? EvalPhase::Valid : EvalPhase::Test;
    // Users past the first N lose their target (an empty window), so the evaluation is the eval
    // command's on a prefix of the users.
    DataSplit split = in.split;
    int64_t kept = 0;
    const EvalTargets targets = evaluationTargets(in.dataset, in.split, phase);
    for (const int32_t user : targets.users) {
        if (o.users <= 0 || kept < o.users) {
            ++kept;
            continue;
        }
        UserSplit& cut = split.users[static_cast<size_t>(user)];
        if (phase == EvalPhase::Valid) cut.validEnd = cut.trainEnd;
        else cut.validEnd = static_cast<int32_t>(in.dataset.users[static_cast<size_t>(user)].items.size());
    }
    for (int r = 0; r < o.repeat; ++r) {
        const auto wall = std::chrono::steady_clock::now();
        const double cpu = cpuSeconds();
        std::map<std::string, double> stats;
        const EvalReport report = evaluateModel(*restored.model, in.dataset, split, phase, EvalOptions{}, nullptr, {}, &stats);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
        std::printf("run %lld, %lld users, %d threads: %.2f s wall, %.2f s CPU, load %s, ndcg@10 %.5f",
                    static_cast<long long>(o.run), static_cast<long long>(report.all.targets), o.threads, seconds,
                    cpuSeconds() - cpu, loadAverage().c_str(), report.all.values.at("ndcg@10"));
        for (const auto& [name, value] : stats) std::printf(", %s %.4f", name.c_str(), value);
        std::printf("\n");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return tokenbench::bench::benchMain<Options>("bench_beam_search", argc, argv, parse, run);
}
