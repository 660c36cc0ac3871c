#pragma once
/// The "Attention" page: pick a model run, a user (or type a history of items), a layer and a head,
/// and see which history items the model attends to.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <QStringList>
#include <QWidget>

#include "pages/workbench_page.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace tokenbench::ui {

class AttentionHeatmap;

/// Attention maps of one user's history or of a typed one, computed off the UI thread.
struct AttentionResult final {
    int64_t runId = 0;
    QString subject;  ///< "user #3", "typed history"
    std::vector<core::AttentionMap> maps;
    QString error;
};

/// Computes maps with core::computeAttention (a user's history; also stores them) or
/// core::computeAttentionForItems (a typed history) from the run's best checkpoint on a worker and
/// shows one layer and head at a time. UI thread.
class AttentionPage final : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    explicit AttentionPage(QWidget* parent = nullptr);
    ~AttentionPage() override;

    void setProject(const core::ProjectPaths& paths, const std::vector<core::RunRecord>& runs);
    void clearProject();

    // WorkbenchPage
    [[nodiscard]] QWidget* pageWidget() override { return this; }
    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Attention"); }
    void setProject(const ProjectContents& contents) override;
    /// Selects a model run shown by the model page, ready for its attention.
    void followRun(const core::RunRecord& run) override;
    [[nodiscard]] QStringList viewNames() const override { return {QStringLiteral("attention")}; }
    void showView(const QString& name, std::function<void()> ready) override;
    /// Selects run `runId` (a model run); false when it is not listed.
    bool selectRun(int64_t runId);
    /// Computes the maps of the selected run for `user` (raw id or "#N"); attentionShown() follows.
    void showAttention(const QString& user);
    /// Computes the maps of the selected run for a typed history: the data set's raw item ids,
    /// oldest first. attentionShown() follows (with the error shown for an unknown item).
    void showAttentionForItems(const QStringList& itemRawIds);
    /// Selects model run `runId` and shows its attention for the user (or typed items) in the
    /// inputs; false when it is not listed.
    bool showRun(int64_t runId);
    /// Shows the latest completed model run's attention for the user (or typed items) in the inputs.
    bool showLatest();
    /// Item ids typed in the "or items" box, trimmed, empty ones dropped.
    [[nodiscard]] QStringList typedItems() const;
    /// Picks the layer and head shown (0-based); false when out of range.
    bool selectMap(int layer, int head);

    [[nodiscard]] AttentionHeatmap* heatmap() const { return m_heatmap; }
    [[nodiscard]] QComboBox* runSelector() const { return m_run; }
    [[nodiscard]] QComboBox* userSelector() const { return m_user; }
    [[nodiscard]] QLineEdit* itemsEdit() const { return m_items; }
    [[nodiscard]] int mapCount() const { return static_cast<int>(m_maps.size()); }
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    /// Maps for the request arrived (or its error is shown).
    void attentionShown(qint64 runId);

private:
    /// The typed items when there are any, else the user in the selector.
    void showFromInputs();
    void startComputing(const QString& subject, std::function<std::vector<core::AttentionMap>()> compute);
    void onComputed(const AttentionResult& result);
    void showSelected();

    QComboBox* m_run;
    QComboBox* m_user;
    QLineEdit* m_items;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QPushButton* m_show;
    QLabel* m_status;
    AttentionHeatmap* m_heatmap;
    LatestOnlyLoader<AttentionResult> m_loader;

    PendingView m_pendingView;
    core::ProjectPaths m_paths;
    std::vector<core::RunRecord> m_runs;
    std::vector<core::AttentionMap> m_maps;
    int64_t m_mapsRun = 0;
    QString m_mapsSubject;
};

}  // namespace tokenbench::ui
