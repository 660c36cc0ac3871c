#pragma once
/// Whether two runs (or two groups of seeded runs) really differ: the paired test over the users
/// of one split that `tokenbench-cli compare` prints, shown in the runs comparison.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <QString>
#include <QWidget>

#include "tokenbench/training/run_comparison.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QGridLayout;
class QLabel;
class QProgressBar;

namespace tokenbench::ui {

/// Per-side means, the difference B − A with its 95 % CI, the paired t-test and paired-bootstrap
/// p-values, the effect size d_z and the number of users, for a metric and split the user picks.
/// core::compareRuns runs on a worker: it may evaluate runs stored before per-user ranks were kept
/// again (tens of seconds), so the panel says "Computing…" until the answer or the error arrives.
/// It computes only while shown, and again only when the sides, metric or split change. UI thread.
class SignificancePanel final : public QWidget {
    Q_OBJECT

public:
    /// One side: a run, or a group's completed runs (averaged user by user).
    struct Side final {
        QString label;
        std::vector<int64_t> runIds;
    };

    explicit SignificancePanel(QWidget* parent = nullptr);

    /// The project the runs are in (empty: none).
    void setProjectDir(const std::string& projectDir);
    /// Tests B against A (computed now when shown, else once shown).
    void setSides(Side a, Side b);
    /// Nothing to test; `reason` says what to select instead, or (`error`) why these runs cannot be
    /// tested.
    void setUnavailable(const QString& reason, bool error = false);
    /// Picks the metric ("ndcg@10", "recall@20", "mrr"); false when not offered.
    bool selectMetric(const QString& metric);

    [[nodiscard]] QComboBox* metricSelector() const { return m_metric; }
    [[nodiscard]] QComboBox* splitSelector() const { return m_split; }
    /// "Computing…", the error, the verdict, or why there is nothing to test.
    [[nodiscard]] QString statusText() const;
    /// Every shown result line as "label: value", one per line; empty while none is shown.
    [[nodiscard]] QString resultText() const;
    [[nodiscard]] bool isComputing() const { return m_loader.isLoading(); }
    /// The last comparison shown (nullopt while computing, on error, or with nothing to test).
    [[nodiscard]] const std::optional<core::RunComparison>& result() const { return m_result; }

Q_SIGNALS:
    /// A result (true) or an error (false) is now on screen.
    void computed(bool ok);

protected:
    void showEvent(QShowEvent* event) override;

private:
    /// What a worker hands back: the comparison, or the reason it failed.
    struct Outcome final {
        std::optional<core::RunComparison> comparison;
        QString error;
    };

    void computeIfStale();
    void onComputed(Outcome outcome);
    void showResult(const core::RunComparison& comparison);
    void setStatus(const QString& text, bool error);
    void setResultsVisible(bool visible);
    /// Identifies what is asked: sides, metric, split and project.
    [[nodiscard]] std::string requestKey() const;

    QComboBox* m_metric;
    QComboBox* m_split;
    QLabel* m_status;
    QProgressBar* m_busy;
    QWidget* m_results;
    QGridLayout* m_grid;
    std::vector<std::pair<QLabel*, QLabel*>> m_rows;  ///< label, value
    std::string m_projectDir;
    std::optional<Side> m_a;
    std::optional<Side> m_b;
    QString m_unavailable;
    std::string m_shownKey;  ///< the request whose answer is on screen or on its way
    std::optional<core::RunComparison> m_result;
    LatestOnlyLoader<Outcome> m_loader;
};

}  // namespace tokenbench::ui
