#include "repeat_options.h"

#include "cli_context.h"

namespace tokenbench::cli {

void RepeatOptions::addTo(CLI::App& command) {
    auto* list = command.add_option("--seeds", seeds,
                                    "Run once per seed (e.g. 1,2,3) in one group; prints mean and 95 % CI per metric")
                     ->delimiter(',');
    auto* count = command.add_option("--repeats", repeats,
                                      "Run N times with seeds counting up from --seed, in one group; prints mean and "
                                      "95 % CI per metric")
                      ->check(CLI::Range(int64_t{1}, int64_t{1000}));
    list->excludes(count);
}

std::vector<uint64_t> RepeatOptions::seedsFrom(uint64_t firstSeed) const {
    try {
        return core::repeatSeeds(seeds, repeats, firstSeed);
    } catch (const std::invalid_argument& e) {
        throw UserError(e.what());
    }
}

}  // namespace tokenbench::cli
