#pragma once
// Private: the project's portable seeded random stream. Results depend only on the seed, never on
// the standard library or LibTorch version, so seeded runs reproduce everywhere.

#include <cstdint>

namespace tokenbench::core {

/// splitmix64 (Steele, Lea & Flood 2014): advances `state` and returns the next 64 random bits.
inline uint64_t splitmix64(uint64_t& state) {
    state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Uniform double in [0, 1) from the top 53 bits.
inline double uniform01(uint64_t& state) { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }

}  // namespace tokenbench::core
