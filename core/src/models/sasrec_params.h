#pragma once
// Private: the schema rows every model on the SASRec network shares (sizes, optimisation, block
// wiring), so a model built on that network (rearec, cl4srec, cove...) offers them under the same
// keys and defaults. Torch-free; any thread.

#include <vector>

#include "tokenbench/registry.h"

namespace tokenbench::core {

/// hidden, blocks, heads, dropout (default `dropout`), max_length, batch_size, learning_rate,
/// weight_decay, bucketing, block.
[[nodiscard]] std::vector<ParamSpec> sasRecSequenceParams(const char* dropout);

}  // namespace tokenbench::core
