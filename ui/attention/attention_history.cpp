#include "attention/attention_history.h"

namespace tokenbench::ui {
namespace {

struct Positions final {
    int items = 0;
    int tokens = 0;  ///< positions that are semantic-ID tokens
};

Positions countPositions(const core::AttentionMap& map) {
    using Kind = core::AttentionPosition::Kind;
    Positions out;
    for (const core::AttentionPosition& position : map.positions) {
        if (position.kind == Kind::Mask) continue;
        if (position.kind == Kind::Item) {
            ++out.items;
            continue;
        }
        ++out.tokens;
        if (position.level == 0) ++out.items;  // an item starts at its first level
    }
    // Without positions every column is one item.
    if (map.positions.empty()) out.items = map.cols;
    return out;
}

}  // namespace

int historyItems(const core::AttentionMap& map) {
    return countPositions(map).items;
}

QString describeHistory(const core::AttentionMap& map) {
    const Positions positions = countPositions(map);
    const QString items = positions.items == 1 ? QStringLiteral("history of 1 item")
                                               : QStringLiteral("history of %1 items").arg(positions.items);
    return positions.tokens > 0 ? QStringLiteral("%1 (%2 tokens)").arg(items).arg(positions.tokens) : items;
}

}  // namespace tokenbench::ui
