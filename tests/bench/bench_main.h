#pragma once
// The shared shape of the benchmark programs: option parsing with "--name value" pairs and a main
// that reports an exception as "<program>: <message>" with exit code 1.

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

namespace tokenbench::bench {

/// The value after argv[i] (the option name), advancing i; throws when it is missing.
inline std::string optionValue(int argc, char** argv, int& i) {
    if (i + 1 >= argc) throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    return argv[++i];
}

/// Parses options with `parse(argc, argv, options)` (false: help was printed, exit 0), then returns
/// `run(options)`; any exception is printed as "<program>: <message>" and gives exit code 1.
template <typename Options, typename Parse, typename Run>
int benchMain(const char* program, int argc, char** argv, Parse parse, Run run) {
    try {
        Options options;
        if (!parse(argc, argv, options)) return 0;
        return run(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 1;
    }
}

}  // namespace tokenbench::bench
