#pragma once
/// A small "figure" card: caption above a large value, with an optional detail line below.

#include <QFrame>

class QLabel;

namespace tokenbench::ui {

/// One headline number of the data-set page. Colours come from the widget palette, so the card
/// follows light and dark themes. UI thread.
class StatCard final : public QFrame {
    Q_OBJECT

public:
    /// `key` names the child labels ("<key>Value", "<key>Detail") so tests can find them.
    StatCard(const QString& key, const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, const QString& detail = {});
    void clear();
    [[nodiscard]] QString value() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();

    QLabel* m_caption;
    QLabel* m_value;
    QLabel* m_detail;
};

}  // namespace tokenbench::ui
