#pragma once
/// The "Attention" page: pick a model run, a user, a layer and a head, and see which history items
/// the model attends to.

#include <cstdint>
#include <string>
#include <vector>

#include <QFutureWatcher>
#include <QWidget>

#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace tokenbench::ui {

class AttentionHeatmap;

/// Attention maps of one user's history, computed off the UI thread.
struct AttentionResult final {
    quint64 request = 0;
    int64_t runId = 0;
    QString user;
    std::vector<core::AttentionMap> maps;
    QString error;
};

/// Computes maps with core::computeAttention from the run's best checkpoint (which also stores
/// them) on a worker and shows one layer and head at a time. UI thread.
class AttentionPage final : public QWidget {
    Q_OBJECT

public:
    explicit AttentionPage(QWidget* parent = nullptr);
    ~AttentionPage() override;

    void setProject(const core::ProjectPaths& paths, const std::vector<core::RunRecord>& runs);
    void clearProject();
    /// Selects run `runId` (a model run); false when it is not listed.
    bool selectRun(int64_t runId);
    /// Computes the maps of the selected run for `user` (raw id or "#N"); attentionShown() follows.
    void showAttention(const QString& user);
    /// Shows the latest completed model run's attention for its first user.
    bool showLatest();
    /// Picks the layer and head shown (0-based); false when out of range.
    bool selectMap(int layer, int head);

    [[nodiscard]] AttentionHeatmap* heatmap() const { return m_heatmap; }
    [[nodiscard]] QComboBox* runSelector() const { return m_run; }
    [[nodiscard]] QComboBox* userSelector() const { return m_user; }
    [[nodiscard]] int mapCount() const { return static_cast<int>(m_maps.size()); }
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    /// Maps for the request arrived (or its error is shown).
    void attentionShown(qint64 runId);

private:
    void onComputed();
    void showSelected();

    QComboBox* m_run;
    QComboBox* m_user;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QPushButton* m_show;
    QLabel* m_status;
    AttentionHeatmap* m_heatmap;
    QFutureWatcher<AttentionResult>* m_watcher;

    core::ProjectPaths m_paths;
    std::vector<core::RunRecord> m_runs;
    std::vector<core::AttentionMap> m_maps;
    quint64 m_request = 0;
    int64_t m_mapsRun = 0;
    QString m_mapsUser;
};

}  // namespace tokenbench::ui
