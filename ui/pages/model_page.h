#pragma once
/// The "Model" page: configure and train a recommender (form generated from its schema; a tokenizer
/// run for generative models), follow loss and validation curves live, and see any finished model
/// run's curves, test metrics and cold-item breakdown.

#include <map>
#include <string>

#include "pages/model_run_prefill.h"
#include "pages/run_page.h"
#include "tokenbench/registry.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tokenbench::ui {

class BarChart;
class CurvePlot;

/// Left: the run form and job controls. Right: training loss per optimizer step, validation
/// Recall/NDCG per epoch, and test metrics split into all / cold / warm targets. UI thread only.
class ModelPage final : public RunPage {
    Q_OBJECT

public:
    ModelPage(const core::Registry& registry, JobManager& jobs, QWidget* parent = nullptr);
    ~ModelPage() override;

    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Model"); }
    /// "model": the latest completed model run.
    [[nodiscard]] QStringList viewNames() const override { return {QStringLiteral("model")}; }
    /// Validates the form and starts a training job; nullptr with a visible message otherwise.
    Job* startTraining() override;
    /// Fills the new-run form with `prefill` (data set, model, tokenizer run, parameters, run
    /// settings, name) without starting anything. False, with `error` set and the form as far as
    /// it got, when the project does not offer its data set, model or tokenizer run.
    bool prefillNewRun(const ModelRunPrefill& prefill, QString* error = nullptr);
    [[nodiscard]] QLineEdit* runNameField() const { return m_name; }

    [[nodiscard]] QComboBox* modelSelector() const { return m_model; }
    [[nodiscard]] QComboBox* tokenizerRunSelector() const { return m_tokenizerRun; }
    [[nodiscard]] QSpinBox* epochsSpin() const;
    [[nodiscard]] SchemaForm* runSettingsForm() const { return m_runSettings; }
    /// Runs to start, one per seed from the run settings' seed (1: a single run).
    [[nodiscard]] QSpinBox* repeatsSpin() const { return m_repeats; }
    [[nodiscard]] CurvePlot* lossPlot() const { return m_loss; }
    [[nodiscard]] CurvePlot* validationPlot() const { return m_validation; }
    [[nodiscard]] BarChart* breakdownChart() const { return m_breakdown; }
    /// Beam and exact ranking side by side (`eval --exact` figures); hidden when the run has none.
    [[nodiscard]] QLabel* exactFigures() const { return m_exact; }

private:
    void buildForm();
    void buildViews();
    void onModelChanged();
    void fillTokenizerRuns();
    void feedMetric(const core::MetricPoint& point);
    /// Rewrites m_exact from m_exactValues.
    void showExactFigures();

    // RunPage
    void resetViews(const QString& placeholder) override;
    void drawHistory(const RunHistory& history) override;
    void drawReports(const JobReports& reports) override;
    void showSummary(const std::string& summaryJson) override;
    void showRunSettings(const core::RunRecord& run) override;
    void liveRunEnded(const JobOutcome& outcome) override;
    void onDatasetChanged() override { fillTokenizerRuns(); }

    const core::Registry& m_registry;

    QComboBox* m_model = nullptr;
    QComboBox* m_tokenizerRun = nullptr;
    QLabel* m_tokenizerLabel = nullptr;
    SchemaForm* m_runSettings = nullptr;  ///< core::runSettingsInfo()
    QLineEdit* m_name = nullptr;
    QSpinBox* m_repeats = nullptr;

    CurvePlot* m_loss = nullptr;
    CurvePlot* m_validation = nullptr;
    BarChart* m_breakdown = nullptr;
    QLabel* m_exact = nullptr;
    /// eval --exact points of the shown run: (split, name) -> value, e.g. ("test", "exact/ndcg@10").
    std::map<std::pair<std::string, std::string>, double> m_exactValues;
};

}  // namespace tokenbench::ui
