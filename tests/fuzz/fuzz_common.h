#pragma once
/// Shared harness of the loader fuzz targets: writes inputs to files in a per-process temporary folder
/// and runs load(), accepting DataError (and the other documented exceptions) as the only failures.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <zlib.h>

#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/loaders.h"

namespace tokenbench::fuzz {

/// The per-process folder the inputs are written to (removed at exit).
inline const std::string& folder() {
    static const std::string kFolder = [] {
        char pattern[] = "/tmp/tokenbench-fuzz-XXXXXX";
        const char* made = mkdtemp(pattern);
        if (!made) std::abort();
        std::string path = made;
        static std::string removeAtExit;
        removeAtExit = path;
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(removeAtExit, ec);
        });
        return path;
    }();
    return kFolder;
}

/// Writes `size` bytes to `name` in the folder; returns the path.
inline std::string writeInput(const std::string& name, const void* data, size_t size) {
    const std::string path = folder() + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    // A fresh file rather than truncating the last one: truncation is far slower on some file systems.
    std::remove(path.c_str());
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path;
}

inline std::string writeInput(const std::string& name, const std::string& text) {
    return writeInput(name, text.data(), text.size());
}

/// Writes `size` bytes gzip-compressed (a valid stream around fuzzed content).
inline std::string writeGzipInput(const std::string& name, const void* data, size_t size) {
    const std::string path = folder() + "/" + name;
    std::remove(path.c_str());
    gzFile gz = gzopen(path.c_str(), "wb");
    if (!gz) std::abort();
    if (size > 0 && gzwrite(gz, data, static_cast<unsigned>(size)) != static_cast<int>(size)) std::abort();
    gzclose(gz);
    return path;
}

/// Removes a file written by an earlier input (so that optional sibling files do not linger).
inline void removeInput(const std::string& name) {
    std::error_code ec;
    std::filesystem::remove(folder() + "/" + name, ec);
}

/// Runs load() and build(); bad input may only surface as DataError.
inline void runLoad(core::LoadOptions options) {
    options.progress = [](int64_t done, int64_t total) {
        if (done < 0 || total < 0) std::abort();
    };
    core::DatasetBuilder builder;
    try {
        (void)core::load(options, builder);
        const core::Dataset dataset = builder.build({});
        if (dataset.interactionCount() < 0) std::abort();
    } catch (const core::DataError& error) {
        if (error.message().empty()) std::abort();  // every error says what was expected
    }
}

/// One fuzz input: byte 0 selects what the input becomes (which file, which options), the rest is
/// the file's content.
struct Input final {
    uint8_t selector = 0;
    const uint8_t* body = nullptr;
    size_t length = 0;
};

/// The body of every LLVMFuzzerTestOneInput: ignores empty input, lets `setUp(input, options)` write
/// the files and fill LoadOptions for `format`, then runs runLoad. Returns libFuzzer's 0.
template <typename SetUp>
int fuzzLoader(const char* format, const uint8_t* data, size_t size, SetUp setUp) {
    if (size == 0) return 0;
    core::LoadOptions options;
    options.format = format;
    setUp(Input{data[0], data + 1, size - 1}, options);
    runLoad(options);
    return 0;
}

}  // namespace tokenbench::fuzz
