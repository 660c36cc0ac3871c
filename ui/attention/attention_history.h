#pragma once
/// How long the history behind an attention map is, in items, whatever its positions are.

#include <QString>

#include "tokenbench/models/attention_map.h"

namespace tokenbench::ui {

/// Items of the history a map's columns stand for. Generative models (TIGER) attend over
/// semantic-ID tokens (Token positions), one per level of each item; BERT4Rec adds a Mask
/// position; other models have one Item column per item. Pure; any thread.
[[nodiscard]] int historyItems(const core::AttentionMap& map);

/// "history of 12 items", or "history of 12 items (36 tokens)" when positions are tokens.
[[nodiscard]] QString describeHistory(const core::AttentionMap& map);

}  // namespace tokenbench::ui
