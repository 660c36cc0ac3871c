#include "attention/attention_history.h"

#include <QRegularExpression>

namespace tokenbench::ui {
namespace {

// The labels core gives TIGER's token positions ("item:L<level>=<code>") and BERT4Rec's mask.
const QRegularExpression& tokenLabel() {
    static const QRegularExpression pattern(QStringLiteral(":L(\\d+)=\\d+$"));
    return pattern;
}
const QLatin1String kMaskLabel("[MASK]");

struct Positions final {
    int items = 0;
    int tokens = 0;  ///< positions that are semantic-ID tokens
};

Positions countPositions(const core::AttentionMap& map) {
    Positions out;
    for (const std::string& text : map.labels) {
        const QString label = QString::fromStdString(text);
        if (label == kMaskLabel) continue;
        const QRegularExpressionMatch match = tokenLabel().match(label);
        if (!match.hasMatch()) {
            ++out.items;
            continue;
        }
        ++out.tokens;
        if (match.captured(1) == QLatin1String("1")) ++out.items;  // an item starts at its first level
    }
    // Without labels every column is one item.
    if (map.labels.empty()) out.items = map.cols;
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
