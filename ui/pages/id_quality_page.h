#pragma once
/// The "ID quality" page: which properties of a project's semantic IDs go with good
/// recommendations. A table of tokenizer runs (with model runs trained on their IDs) by figure, with
/// their models' test NDCG@10; each figure's Spearman correlation with NDCG@10; and a scatter of the
/// chosen figure against NDCG@10. The same report as `tokenbench-cli analyze ids`.

#include <optional>
#include <string>

#include <QString>
#include <QWidget>

#include "pages/workbench_page.h"
#include "tokenbench/training/id_quality_report.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QLabel;
class QTableWidget;

namespace tokenbench::ui {

class ScatterPlot;

/// See file comment. core::analyzeIdQuality runs on a worker through its own read-only store, and
/// only while the page is shown (it reads every run's IDs and the data set). UI thread only.
class IdQualityPage final : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    explicit IdQualityPage(QWidget* parent = nullptr);

    [[nodiscard]] QWidget* pageWidget() override { return this; }
    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("ID quality"); }
    void setProject(const ProjectContents& contents) override;
    [[nodiscard]] QStringList viewNames() const override { return {QStringLiteral("id-quality")}; }
    void showView(const QString& name, std::function<void()> ready) override;

    /// Picks the figure the scatter shows ("cooccurrence_purity"); false when no run has it.
    bool selectMetric(const QString& metric);
    [[nodiscard]] QTableWidget* runsTable() const { return m_runs; }
    [[nodiscard]] QTableWidget* correlationTable() const { return m_correlations; }
    [[nodiscard]] ScatterPlot* scatter() const { return m_scatter; }
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] bool isLoading() const { return m_loader.isLoading(); }

Q_SIGNALS:
    /// A report (true) or an error (false) is now on screen.
    void loaded(bool ok);

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Outcome final {
        std::optional<core::IdQualityReport> report;
        QString error;
    };

    void loadIfStale();
    void onLoaded(Outcome outcome);
    void fillRuns();
    void fillCorrelations();
    void showMetric();
    [[nodiscard]] std::string requestKey() const;

    QComboBox* m_model;
    QComboBox* m_metric;
    QLabel* m_status;
    QTableWidget* m_runs;
    QTableWidget* m_correlations;
    ScatterPlot* m_scatter;
    QLabel* m_verdict;
    std::string m_database;
    int64_t m_revision = 0;     ///< counts project changes, so a reload asks again
    std::string m_shownKey;     ///< the request whose answer is on screen or on its way
    std::optional<core::IdQualityReport> m_report;
    PendingView m_pendingView;
    LatestOnlyLoader<Outcome> m_loader;
};

}  // namespace tokenbench::ui
