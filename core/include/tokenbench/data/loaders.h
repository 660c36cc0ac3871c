#pragma once
/// Streaming loaders for the standard recommendation data formats. Each parses its files into a
/// DatasetBuilder and throws DataError (file, line, column, what was expected) on bad input.
///
/// Threads: called on a worker thread (GUI) or the main thread (CLI); one call at a time per builder.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tokenbench::core {

class DatasetBuilder;

/// Column mapping for the `csv` format (names from the header line).
struct CsvMapping final {
    std::string user = "user_id";
    std::string item = "item_id";
    std::string timestamp;      ///< empty: none
    std::string rating;         ///< empty: none
    char delimiter = '\0';      ///< '\0': detect among , ; \t |
};

/// What to load. `paths` are the interaction files (a folder for `recbole`; NAME.inter.json or its
/// folder for `lcrec`).
struct LoadOptions final {
    std::string format = "auto";     ///< seqtxt, recbole, movielens, amazon, csv, lcrec, auto
    std::vector<std::string> paths;
    std::string attributesPath;      ///< seqtxt: item2attributes.json; amazon: meta JSON (lines, .gz ok)
    std::string itemsPath;           ///< movielens: movies.dat/movies.csv/u.item; recbole: .item; lcrec: .item.json
    CsvMapping csv;
    /// Optional progress (bytes read, bytes total) and cancellation, checked every 65,536 lines and at
    /// every file; progress is called on the loading thread.
    std::function<void(int64_t, int64_t)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

/// What a load call found, for the import report.
struct LoadSummary final {
    std::string format;          ///< the format used (resolved when "auto")
    std::string detectionReason; ///< why auto chose it, empty otherwise
    int64_t lines = 0;           ///< data lines read over all files
    std::string layout;          ///< seqtxt: "sequences" or "pairs" (how its lines were read); else empty
    std::vector<std::string> files;
};

/// The formats `load` understands, for --help and the import wizard.
[[nodiscard]] const std::vector<std::string>& loaderFormats();

/// Guesses the format of `paths` from file names and the first bytes. Throws DataError when nothing fits.
[[nodiscard]] std::string detectFormat(const std::vector<std::string>& paths, std::string* reason = nullptr);

/// Parses the files into `builder`. Throws DataError on bad input, CancelledError
/// when cancelled; after a throw the builder holds a partial load and should be discarded.
LoadSummary load(const LoadOptions& options, DatasetBuilder& builder);

}  // namespace tokenbench::core
