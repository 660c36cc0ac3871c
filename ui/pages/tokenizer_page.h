#pragma once
/// The "Tokenizer" page: configure and train a tokenizer (a form generated from its schema), watch
/// its codebooks live, and look at any finished tokenizer run the same way, with its token hierarchy.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QStringList>

#include "pages/run_page.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/level_figures.h"

class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTabWidget;

namespace tokenbench::ui {

class BarChart;
class CodebookHeatmap;
class CurvePlot;
class HierarchyView;

/// Left: the run form and job controls. Right: the shown run's figures, training curves (loss,
/// utilization, perplexity, collision rate per level) or, for a method without training steps, the
/// same figures per codebook level; codebook heatmap and usage bars, and the hierarchy explorer. A
/// live run feeds the same plots as it reports. UI thread only.
class TokenizerPage final : public RunPage {
    Q_OBJECT

public:
    enum class View { Training, Codebook, Hierarchy };

    TokenizerPage(const core::Registry& registry, JobManager& jobs, QWidget* parent = nullptr);
    ~TokenizerPage() override;

    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Tokenizer"); }
    /// "tokenizer" (training curves), "codebook" and "hierarchy" of the latest completed run.
    [[nodiscard]] QStringList viewNames() const override;
    void showView(const QString& name, std::function<void()> ready) override;
    /// Validates the form and starts a tokenizer job; nullptr (and a visible message) when the form
    /// is incomplete or invalid.
    Job* startTraining() override;
    /// Opens the feature-set dialog for the selected data set.
    void openFeatureDialog();
    /// Selects stored feature set `featureSetId` (and its data set) as the input of the next run;
    /// false when the project has no such feature set.
    bool selectFeatureSet(int64_t featureSetId);
    void setView(View view);

    // For tests, screenshots and the main window.
    [[nodiscard]] QComboBox* featureSelector() const { return m_features; }
    [[nodiscard]] QComboBox* methodSelector() const { return m_method; }
    /// Runs to start, one per seed from the seed field (1: a single run).
    [[nodiscard]] QSpinBox* repeatsSpin() const { return m_repeats; }
    [[nodiscard]] CurvePlot* lossPlot() const { return m_loss; }
    [[nodiscard]] CurvePlot* utilizationPlot() const { return m_utilization; }
    [[nodiscard]] CurvePlot* perplexityPlot() const { return m_perplexity; }
    [[nodiscard]] CurvePlot* collisionPlot() const { return m_collisions; }
    [[nodiscard]] CodebookHeatmap* heatmap() const { return m_heatmap; }
    [[nodiscard]] BarChart* usageBars() const { return m_usageBars; }
    [[nodiscard]] HierarchyView* hierarchy() const { return m_hierarchy; }
    /// Text of the collapse warning banner; empty while hidden.
    [[nodiscard]] QString collapseWarning() const;

private:
    void buildForm();
    void buildViews();
    void onMethodChanged();
    void fillFeatureSelector();
    void feedMetric(const core::MetricPoint& point);
    void feedSnapshots(const std::vector<core::CodebookSnapshot>& snapshots);
    void showRunEvent(const core::RunEvent& event);
    void showUsageLevel(int level);
    void replotCurves();
    /// Sets the four figure plots up as curves over training steps or as one value per level.
    void setPerLevel(bool perLevel);
    /// Whether `run`'s figures are per level: its method has no training steps, or (a method this
    /// build does not know) nothing was recorded before the final assignment.
    [[nodiscard]] bool showsPerLevel(const core::RunRecord& run, const std::vector<core::MetricPoint>& metrics) const;
    /// Redraws the per-level plots from m_levelFigures.
    void drawLevelFigures();

    // RunPage
    void resetViews(const QString& placeholder) override;
    void drawHistory(const RunHistory& history) override;
    void drawReports(const JobReports& reports) override;
    void showSummary(const std::string& summaryJson) override;
    void showRunSettings(const core::RunRecord& run) override;
    void liveRunEnded(const JobOutcome& outcome) override;
    void storedRunShown(const RunHistory& history) override;
    void showNoRun(const QString& message) override;
    void takeContents(const ProjectContents& contents) override;
    void onDatasetChanged() override;
    /// Sets the form's codebook size to what core proposes for the data set's catalogue, unless the
    /// user typed one (the field still holds the default or the last proposal).
    void proposeCodebookSize();
    [[nodiscard]] bool isShownViewComplete() const override;
    /// Whether the chosen method is fitted on item features (not, e.g., imported IDs).
    [[nodiscard]] bool methodNeedsFeatures() const;

    const core::Registry& m_registry;

    QComboBox* m_features = nullptr;
    QComboBox* m_method = nullptr;
    QComboBox* m_collisionStrategy = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_repeats = nullptr;
    QSpinBox* m_featureDim = nullptr;
    QLineEdit* m_name = nullptr;

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

    std::vector<core::FeatureSetRecord> m_featureSets;
    std::map<qint64, int64_t> m_datasetItems;  ///< data set id -> items in its catalogue
    QString m_proposedCodebookSize;             ///< the last proposal put into the form
    bool m_showingRunSettings = false;          ///< the form is being filled from a stored run
    std::map<int32_t, std::pair<int64_t, std::vector<int64_t>>> m_lastUsage;  ///< level -> (step, usage)
    int32_t m_codebookSize = 0;
    bool m_perLevel = false;            ///< the plots show values per level, not curves over steps
    core::LevelFigures m_levelFigures;  ///< the shown run's figures by level (when m_perLevel)
    QStringList m_collapseMessages;
    bool m_userPickedFeatures = false;  ///< the feature choice came from the user, not a default
};

}  // namespace tokenbench::ui
