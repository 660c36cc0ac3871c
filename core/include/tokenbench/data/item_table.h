#pragma once
/// Item tables: a JSON-lines or CSV file with one row per item (id, title, text, attribute names),
/// joined to the items of a loaded data set so that text features, the hierarchy explorer and exports
/// use names. Rows whose id is not in the data set and items without a row are counted, not fatal.
///
/// Threads: called on the loading thread (import job or CLI); pure apart from reading the file.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"

namespace tokenbench::core {

/// Which fields of the table mean what. Field names are JSON keys or CSV header names.
struct ItemTableMapping final {
    std::string idField = "item";              ///< the item id, as the interaction files spell it
    std::string titleField = "title";          ///< empty: no title
    std::vector<std::string> textFields;       ///< free text joined into the description (title field skipped)
    std::vector<std::string> attributeFields;  ///< lists or strings of attribute names; the field names the group
    char listSeparator = '\0';  ///< splits a string attribute value into names ('\0': one name per string)
    char delimiter = '\0';      ///< CSV only: '\0' detects among , ; \t |
};

/// An item table to join: `path` empty means none.
struct ItemTableOptions final {
    std::string path;
    ItemTableMapping mapping;
};

/// What the join found, for the import report.
struct ItemTableReport final {
    std::string path;
    std::string layout;             ///< "jsonl" or "csv"
    int64_t rows = 0;               ///< data rows read
    int64_t matched = 0;            ///< rows whose id is an item of the data set
    int64_t unknownIds = 0;         ///< rows whose id is not (e.g. items removed by the k-core)
    int64_t missingItems = 0;       ///< data-set items without a row
    int64_t itemsWithTitle = 0;     ///< data-set items with a non-empty title after the join
    int64_t itemsWithAttributes = 0;  ///< items whose attributes now come from the table
    std::vector<std::string> unknownExamples;  ///< up to five ids of each kind, for the message
    std::vector<std::string> missingExamples;
};

/// Reads the table at options.path and joins it into `dataset`: a matched row sets the item's title,
/// its description (the text fields, one per line) and, when it names any attribute, replaces the
/// item's attributes with the table's names (the attribute vocabulary is rebuilt without unused
/// entries). Throws DataError naming file and line for bad rows, a missing id field, duplicate ids,
/// or when no row matches an item. Checks `cancel` every 65,536 rows (CancelledError). `dataset` is
/// changed only when the whole table was read without error.
ItemTableReport joinItemTable(Dataset& dataset, const ItemTableOptions& options,
                              const std::atomic<bool>* cancel = nullptr);

/// Splits "title,description" into field names (trimmed, empty ones dropped). Pure.
[[nodiscard]] std::vector<std::string> splitFieldList(const std::string& text);

}  // namespace tokenbench::core
