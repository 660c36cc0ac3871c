#pragma once
/// The "Data set" page: pick one of the project's data sets and see its figures and distributions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <QWidget>

#include "pages/dataset_summary.h"
#include "pages/workbench_page.h"
#include "widgets/latest_only_loader.h"
#include "tokenbench/storage/records.h"

class QComboBox;
class QFrame;
class QCustomPlot;
class QCPBars;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QLabel;
class QPushButton;

namespace tokenbench::ui {

class StatCard;

/// Selector, headline figures and two plots (sequence lengths, item popularity). Loading runs on a
/// worker with its own read-only store; the result arrives through a watcher owned by the page, so
/// the UI thread never waits. UI thread only.
class DatasetPage final : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    explicit DatasetPage(QWidget* parent = nullptr);
    ~DatasetPage() override;

    /// Shows the data sets of the project whose database is `dbPath`. Keeps the current selection
    /// when the same project still lists it, otherwise selects the first data set and loads it.
    void setProject(const std::string& dbPath, std::vector<core::DatasetRecord> datasets);
    /// Back to the "no project" state.
    void clearProject();

    // WorkbenchPage
    [[nodiscard]] QWidget* pageWidget() override { return this; }
    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Data set"); }
    void setProject(const ProjectContents& contents) override;
    [[nodiscard]] QStringList viewNames() const override { return {QStringLiteral("dataset")}; }
    /// Selects (and loads) the data set with `datasetId`; false when it is not listed.
    bool selectDataset(int64_t datasetId);

    [[nodiscard]] std::optional<int64_t> currentDatasetId() const;
    [[nodiscard]] bool isLoading() const { return m_loader.isLoading(); }
    /// The plot widgets (QCustomPlot), for tests and screenshots; see plots/plot_probe.h.
    [[nodiscard]] QWidget* sequenceLengthPlot() const;
    [[nodiscard]] QWidget* popularityPlot() const;
    /// Text of the headline figure `key` ("users", "items", "interactions", "density",
    /// "sequenceLength", "attributes").
    [[nodiscard]] QString statValue(const QString& key) const;
    /// The visible error message, empty when none.
    [[nodiscard]] QString errorText() const;

Q_SIGNALS:
    /// A load for `datasetId` started on a worker.
    void loadStarted(qint64 datasetId);
    /// Figures and plots now show the selection (data, empty state or error) and were replotted.
    void viewsReady();
    /// The user asked to import a data set (the window opens the wizard).
    void importRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void buildPlots();
    void restyle();
    void onSelectionChanged(int index);
    void startLoad(int64_t datasetId);
    void onLoadFinished(const DatasetSummary& summary);
    void showSummary(const DatasetSummary& summary);
    void showPlaceholder(const QString& message);
    void showError(const QString& message);
    void updateInfoLine();
    void populateSelector(std::optional<int64_t> select);

    QComboBox* m_selector = nullptr;
    QLabel* m_infoLine = nullptr;
    QPushButton* m_import = nullptr;
    QFrame* m_errorBanner = nullptr;
    QLabel* m_errorText = nullptr;
    std::vector<StatCard*> m_cards;
    QCustomPlot* m_lengthPlot = nullptr;
    QCustomPlot* m_popularityPlot = nullptr;
    QCPBars* m_lengthBars = nullptr;
    QCPItemStraightLine* m_meanLine = nullptr;
    QCPItemText* m_meanLabel = nullptr;
    QCPGraph* m_popularityGraph = nullptr;
    LatestOnlyLoader<DatasetSummary> m_loader{this, [this](DatasetSummary summary) { onLoadFinished(summary); }};

    std::string m_dbPath;
    std::vector<core::DatasetRecord> m_datasets;
    std::optional<int64_t> m_requestedId;  ///< data set shown or being loaded
};

}  // namespace tokenbench::ui
