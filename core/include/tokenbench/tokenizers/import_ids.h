#pragma once
/// Semantic IDs made elsewhere (GRID, a TIGER pipeline, another lab's release), validated against a
/// data set so their quality can be compared with ours on the same model and split.

#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

/// How the file names items.
enum class ImportedIdKind { RawId, DenseIndex };

/// Reads `path`: JSON `{"item": [c1, c2, ...], ...}` or CSV (`item,c1,c2,...`, header optional; also
/// `item,"c1 c2 c3"`). Every item of `dataset` must be covered exactly once, all tuples the same
/// length, codes non-negative integers (and < codebookSize when codebookSize > 0). Throws DataError
/// naming the file, the line (CSV) or the item, and what was expected. `codebookSizeOut` receives
/// max code + 1 over all levels.
[[nodiscard]] SemanticIds importSemanticIds(const std::string& path, const Dataset& dataset, ImportedIdKind kind,
                                            int32_t codebookSize = 0, int32_t* codebookSizeOut = nullptr);
/// The same against a catalogue alone (what a tokenizer's fit context offers).
[[nodiscard]] SemanticIds importSemanticIds(const std::string& path, const std::vector<ItemInfo>& items,
                                            ImportedIdKind kind, int32_t codebookSize = 0,
                                            int32_t* codebookSizeOut = nullptr);

}  // namespace tokenbench::core
