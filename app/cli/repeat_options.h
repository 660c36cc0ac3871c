#pragma once
/// `--seeds 1,2,3` / `--repeats N` on the commands that start a run: the same run once per seed, in
/// one run group, summarised as mean ± 95 % CI.

#include <cstdint>
#include <vector>

#include <CLI/CLI.hpp>

#include "console_sink.h"
#include "tokenbench/jobs/repeat_job.h"

namespace tokenbench::cli {

struct RepeatOptions final {
    std::vector<uint64_t> seeds;
    int64_t repeats = 0;

    /// Adds both options to `command` (they exclude each other).
    void addTo(CLI::App& command);
    [[nodiscard]] bool wanted() const { return !seeds.empty() || repeats > 0; }
    /// The seeds to run, counting up from `firstSeed` with --repeats.
    [[nodiscard]] std::vector<uint64_t> seedsFrom(uint64_t firstSeed) const;
};

/// Runs `request` once per seed with `repeated` and reports the group's JSON like a single job.
template <class Request>
int runRepeatedCommand(core::RepeatResult (*repeated)(const Request&, const std::vector<uint64_t>&, core::ProgressSink&,
                                                      const std::atomic<bool>*),
                       const Request& request, const std::vector<uint64_t>& seeds, bool json) {
    cancelOnInterrupt();
    ConsoleSink console;
    const core::RepeatResult result = repeated(request, seeds, console, &interruptFlag());
    return reportJobResult(core::toJson(result), result.status, result.message, json);
}

}  // namespace tokenbench::cli
