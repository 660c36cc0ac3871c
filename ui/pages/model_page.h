#pragma once
/// The "Model" page: configure and train a recommender (form generated from its schema; a tokenizer
/// run for generative models), follow loss and validation curves live, and see any finished model
/// run's curves, test metrics and cold-item breakdown.

#include <cstdint>
#include <string>
#include <vector>

#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include "jobs/job.h"
#include "pages/run_history.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/records.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QSplitter;

namespace tokenbench::ui {

class BarChart;
class CurvePlot;
class JobControls;
class JobManager;
class SchemaForm;

/// Left: the run form and job controls. Right: training loss per optimizer step, validation
/// Recall/NDCG per epoch, and test metrics split into all / cold / warm targets. UI thread only.
class ModelPage final : public QWidget {
    Q_OBJECT

public:
    ModelPage(const core::Registry& registry, JobManager& jobs, QWidget* parent = nullptr);
    ~ModelPage() override;

    void setProject(const core::ProjectPaths& paths, const std::vector<core::DatasetRecord>& datasets,
                    const std::vector<core::RunRecord>& runs);
    void clearProject();
    /// Shows model run `runId` (live when it is this page's running job); runShown() follows.
    bool showRun(int64_t runId);
    bool showLatestRun();
    /// Validates the form and starts a training job; nullptr with a visible message otherwise.
    Job* startTraining();

    [[nodiscard]] int64_t shownRunId() const { return m_shownRunId; }
    [[nodiscard]] QComboBox* datasetSelector() const { return m_dataset; }
    [[nodiscard]] QComboBox* modelSelector() const { return m_model; }
    [[nodiscard]] QComboBox* tokenizerRunSelector() const { return m_tokenizerRun; }
    [[nodiscard]] QSpinBox* epochsSpin() const;
    [[nodiscard]] SchemaForm* runSettingsForm() const { return m_runSettings; }
    [[nodiscard]] SchemaForm* form() const { return m_form; }
    [[nodiscard]] JobControls* controls() const { return m_controls; }
    [[nodiscard]] CurvePlot* lossPlot() const { return m_loss; }
    [[nodiscard]] CurvePlot* validationPlot() const { return m_validation; }
    [[nodiscard]] BarChart* breakdownChart() const { return m_breakdown; }
    [[nodiscard]] QString figuresText() const;
    [[nodiscard]] QString formError() const;

Q_SIGNALS:
    void runShown(qint64 runId);
    void jobFinished(qint64 runId);

private:
    void buildForm();
    void buildViews();
    void onModelChanged();
    void fillTokenizerRuns();
    void resetViews(const QString& placeholder);
    void onHistoryLoaded();
    void applyHistory(const RunHistory& history);
    void onLiveReports(const JobReports& reports);
    void onLiveFinished(const JobOutcome& outcome);
    void feedMetric(const core::MetricPoint& point);
    void showSummary(const std::string& summaryJson);
    void updateTitle(const QString& status);
    void showRunSettings(const core::RunRecord& run);
    [[nodiscard]] const core::RunRecord* findRun(int64_t runId) const;

    const core::Registry& m_registry;
    JobManager& m_jobs;

    QComboBox* m_dataset = nullptr;
    QComboBox* m_model = nullptr;
    QComboBox* m_tokenizerRun = nullptr;
    QLabel* m_tokenizerLabel = nullptr;
    SchemaForm* m_form = nullptr;
    SchemaForm* m_runSettings = nullptr;  ///< core::runSettingsSchema()
    QLineEdit* m_name = nullptr;
    JobControls* m_controls = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_formError = nullptr;

    QLabel* m_title = nullptr;
    QLabel* m_figures = nullptr;
    CurvePlot* m_loss = nullptr;
    CurvePlot* m_validation = nullptr;
    BarChart* m_breakdown = nullptr;

    core::ProjectPaths m_paths;
    std::vector<core::RunRecord> m_runs;
    QFutureWatcher<RunHistory>* m_watcher = nullptr;
    QPointer<Job> m_liveJob;
    int64_t m_liveRunId = 0;
    RunHistory m_live;
    int64_t m_shownRunId = 0;
    quint64 m_request = 0;
};

}  // namespace tokenbench::ui
