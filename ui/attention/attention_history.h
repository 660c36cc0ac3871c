#pragma once
/// How long the history behind an attention map is, in items, whatever its positions are.

#include <QString>

#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// Items of the history a map's columns stand for. Generative models (TIGER) attend over
/// semantic-ID tokens labelled "item:L2=17", one per level of each item; BERT4Rec adds a "[MASK]"
/// position; other models have one column per item. Pure; any thread.
[[nodiscard]] int historyItems(const core::AttentionMap& map);

/// "history of 12 items", or "history of 12 items (36 tokens)" when positions are tokens.
[[nodiscard]] QString describeHistory(const core::AttentionMap& map);

}  // namespace tokenbench::ui
