#pragma once
/// The "Tokenizer" page: configure and train a tokenizer (a form generated from its schema), watch
/// its codebooks live, and look at any finished tokenizer run the same way, with its token hierarchy.

#include <cstdint>
#include <map>
#include <optional>
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
class QFrame;
class QLabel;
class QLineEdit;
class QSpinBox;
class QSplitter;
class QTabWidget;

namespace tokenbench::ui {

class BarChart;
class CodebookHeatmap;
class CurvePlot;
class HierarchyView;
class JobControls;
class JobManager;
class SchemaForm;

/// Left: the run form and job controls. Right: the shown run's figures, training curves (loss,
/// utilization, perplexity, collision rate per level), codebook heatmap and usage bars, and the
/// hierarchy explorer. A live run feeds the same plots point by point. UI thread only.
class TokenizerPage final : public QWidget {
    Q_OBJECT

public:
    enum class View { Training, Codebook, Hierarchy };

    TokenizerPage(const core::Registry& registry, JobManager& jobs, QWidget* parent = nullptr);
    ~TokenizerPage() override;

    /// The open project's contents (after every reload). Keeps selections and the shown run.
    void setProject(const core::ProjectPaths& paths, const std::vector<core::DatasetRecord>& datasets,
                    const std::vector<core::FeatureSetRecord>& featureSets, const std::vector<core::RunRecord>& runs);
    void clearProject();

    /// Shows tokenizer run `runId`: live when it is this page's running job, else from the store
    /// (asynchronous: runShown() follows). False when the project has no such tokenizer run.
    bool showRun(int64_t runId);
    /// Shows the most recent completed tokenizer run, if any.
    bool showLatestRun();
    /// Validates the form and starts a tokenizer job; nullptr (and a visible message) when the form
    /// is incomplete or invalid.
    Job* startTraining();
    /// Opens the feature-set dialog for the selected data set.
    void openFeatureDialog();
    /// Selects stored feature set `featureSetId` (and its data set) as the input of the next run;
    /// false when the project has no such feature set.
    bool selectFeatureSet(int64_t featureSetId);
    void setView(View view);

    // For tests, screenshots and the main window.
    [[nodiscard]] int64_t shownRunId() const { return m_shownRunId; }
    [[nodiscard]] bool isLoading() const { return m_loading; }
    [[nodiscard]] QComboBox* datasetSelector() const { return m_dataset; }
    [[nodiscard]] QComboBox* featureSelector() const { return m_features; }
    [[nodiscard]] QComboBox* methodSelector() const { return m_method; }
    [[nodiscard]] SchemaForm* form() const { return m_form; }
    [[nodiscard]] JobControls* controls() const { return m_controls; }
    [[nodiscard]] CurvePlot* lossPlot() const { return m_loss; }
    [[nodiscard]] CurvePlot* utilizationPlot() const { return m_utilization; }
    [[nodiscard]] CurvePlot* perplexityPlot() const { return m_perplexity; }
    [[nodiscard]] CurvePlot* collisionPlot() const { return m_collisions; }
    [[nodiscard]] CodebookHeatmap* heatmap() const { return m_heatmap; }
    [[nodiscard]] BarChart* usageBars() const { return m_usageBars; }
    [[nodiscard]] HierarchyView* hierarchy() const { return m_hierarchy; }
    /// Text of the collapse warning banner; empty while hidden.
    [[nodiscard]] QString collapseWarning() const;
    /// The figures line above the plots ("2,000 items · 2,000 unique IDs · ...").
    [[nodiscard]] QString figuresText() const;

Q_SIGNALS:
    /// A stored run is now shown (plots filled or its error shown).
    void runShown(qint64 runId);
    /// A job this page started finished; the project's lists should be reloaded.
    void jobFinished(qint64 runId);

private:
    void buildForm();
    void buildViews();
    void onMethodChanged();
    void onDatasetChanged();
    void fillFeatureSelector();
    void resetViews(const QString& placeholder);
    void onHistoryLoaded();
    void applyHistory(const RunHistory& history);
    void onLiveReports(const JobReports& reports);
    void onLiveFinished(const JobOutcome& outcome);
    void feedMetric(const core::MetricPoint& point);
    void feedSnapshots(const std::vector<core::CodebookSnapshot>& snapshots);
    void showRunEvent(const core::RunEvent& event);
    void showSummary(const std::string& summaryJson);
    void showUsageLevel(int level);
    void updateTitle(const QString& status);
    void showRunSettings(const core::RunRecord& run);
    [[nodiscard]] const core::RunRecord* findRun(int64_t runId) const;

    const core::Registry& m_registry;
    JobManager& m_jobs;

    QComboBox* m_dataset = nullptr;
    QComboBox* m_features = nullptr;
    QComboBox* m_method = nullptr;
    QComboBox* m_collisionStrategy = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_featureDim = nullptr;
    QLineEdit* m_name = nullptr;
    SchemaForm* m_form = nullptr;
    JobControls* m_controls = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_formError = nullptr;

    QLabel* m_title = nullptr;
    QLabel* m_figures = nullptr;
    QFrame* m_banner = nullptr;
    QLabel* m_bannerText = nullptr;
    QTabWidget* m_views = nullptr;
    CurvePlot* m_loss = nullptr;
    CurvePlot* m_utilization = nullptr;
    CurvePlot* m_perplexity = nullptr;
    CurvePlot* m_collisions = nullptr;
    CodebookHeatmap* m_heatmap = nullptr;
    BarChart* m_usageBars = nullptr;
    QComboBox* m_usageLevel = nullptr;
    HierarchyView* m_hierarchy = nullptr;

    core::ProjectPaths m_paths;
    std::vector<core::DatasetRecord> m_datasetRecords;
    std::vector<core::FeatureSetRecord> m_featureSets;
    std::vector<core::RunRecord> m_runs;

    QFutureWatcher<RunHistory>* m_watcher = nullptr;
    QPointer<Job> m_liveJob;
    int64_t m_liveRunId = 0;
    RunHistory m_live;  ///< everything the running job reported, to show it again after another run
    int64_t m_shownRunId = 0;
    quint64 m_request = 0;
    bool m_loading = false;
    std::map<int32_t, std::pair<int64_t, std::vector<int64_t>>> m_lastUsage;  ///< level -> (step, usage)
    int32_t m_codebookSize = 0;
    QStringList m_collapseMessages;
    bool m_userPickedFeatures = false;  ///< the feature choice came from the user, not a default
};

}  // namespace tokenbench::ui
