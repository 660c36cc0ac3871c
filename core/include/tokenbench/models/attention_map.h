#pragma once
/// Attention weights of a sequence model over one history, with typed axis positions: what each
/// position stands for (an item, one semantic-ID token of an item, or a [MASK]) is data, not a
/// label to parse. Models produce them (Recommender::attention), the store keeps them, the UI and
/// the CLI show them. Plain values; any thread.

#include <cstdint>
#include <string>
#include <vector>

namespace tokenbench::core {

/// What one axis position of an attention map stands for.
struct AttentionPosition final {
    enum class Kind { Item, Token, Mask };
    Kind kind = Kind::Item;
    int32_t item = -1;   ///< dense item index (Item, Token); -1 for Mask
    int32_t level = -1;  ///< 0-based semantic-ID level (Token only)
    int32_t code = -1;   ///< the code at that level (Token only)
    std::string label;   ///< display text: the item's raw id, "[MASK]"
};

/// Attention weights of one layer and head for one user history; row-major rows x cols.
struct AttentionMap final {
    int64_t runId = 0;
    int64_t userIdx = 0;
    int32_t layer = 0;
    int32_t head = 0;
    int32_t rows = 0;
    int32_t cols = 0;
    std::vector<float> weights;
    std::vector<AttentionPosition> positions;  ///< one per column
};

/// Axis text of a position: its label, and for a token its level (1-based) and code, as
/// "<raw id>:L2=17". Any thread.
[[nodiscard]] inline std::string positionText(const AttentionPosition& position) {
    if (position.kind != AttentionPosition::Kind::Token) return position.label;
    return position.label + ":L" + std::to_string(position.level + 1) + "=" + std::to_string(position.code);
}

/// positionText of every position of `map`, in column order. Any thread.
[[nodiscard]] inline std::vector<std::string> positionTexts(const AttentionMap& map) {
    std::vector<std::string> texts;
    texts.reserve(map.positions.size());
    for (const AttentionPosition& position : map.positions) texts.push_back(positionText(position));
    return texts;
}

}  // namespace tokenbench::core
