#include "attention/attention_page.h"

#include <algorithm>
#include <exception>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "attention/attention_heatmap.h"
#include "run_status.h"
#include "tokenbench/training/train_job.h"

namespace tokenbench::ui {

AttentionPage::AttentionPage(QWidget* parent)
    : QWidget(parent),
      m_run(new QComboBox),
      m_user(new QComboBox),
      m_layer(new QSpinBox),
      m_head(new QSpinBox),
      m_show(new QPushButton(QStringLiteral("Show attention"))),
      m_status(new QLabel),
      m_heatmap(new AttentionHeatmap),
      m_watcher(new QFutureWatcher<AttentionResult>(this)) {
    setObjectName(QStringLiteral("attentionPage"));
    m_run->setObjectName(QStringLiteral("attentionRun"));
    m_run->setMinimumContentsLength(16);
    m_user->setObjectName(QStringLiteral("attentionUser"));
    m_user->setEditable(true);
    m_user->setMinimumContentsLength(10);
    m_user->setToolTip(QStringLiteral("The data set's raw user id, or #N for the N-th user (0-based)"));
    for (int i = 0; i < 10; ++i) m_user->addItem(QStringLiteral("#%1").arg(i));
    m_layer->setObjectName(QStringLiteral("attentionLayer"));
    m_head->setObjectName(QStringLiteral("attentionHead"));
    for (QSpinBox* spin : {m_layer, m_head}) {
        spin->setRange(1, 1);
        spin->setEnabled(false);
    }
    m_show->setObjectName(QStringLiteral("showAttentionButton"));
    m_status->setObjectName(QStringLiteral("attentionStatus"));
    m_status->setWordWrap(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(QStringLiteral("Model run:")));
    controls->addWidget(m_run, 2);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(QStringLiteral("User:")));
    controls->addWidget(m_user, 1);
    controls->addWidget(m_show);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(QStringLiteral("Layer:")));
    controls->addWidget(m_layer);
    controls->addWidget(new QLabel(QStringLiteral("Head:")));
    controls->addWidget(m_head);
    controls->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(6);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(m_heatmap, 1);

    connect(m_show, &QPushButton::clicked, this, [this] { showAttention(m_user->currentText()); });
    connect(m_user->lineEdit(), &QLineEdit::returnPressed, this, [this] { showAttention(m_user->currentText()); });
    connect(m_layer, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPage::showSelected);
    connect(m_head, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPage::showSelected);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &AttentionPage::onComputed);
    clearProject();
}

AttentionPage::~AttentionPage() = default;

void AttentionPage::setProject(const core::ProjectPaths& paths, const std::vector<core::RunRecord>& runs) {
    const bool sameProject = paths.root == m_paths.root;
    m_paths = paths;
    m_runs = runs;
    const qint64 keep = m_run->currentData().toLongLong();
    const QSignalBlocker blocker(m_run);
    m_run->clear();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        if (it->kind != core::RunKind::Model || it->status != core::RunStatus::Completed) continue;
        m_run->addItem(runDisplayName(*it), QVariant::fromValue<qint64>(it->id));
    }
    const bool any = m_run->count() > 0;
    if (!any) m_run->addItem(QStringLiteral("No finished model run"), 0);
    m_run->setEnabled(any);
    m_show->setEnabled(any);
    const int index = m_run->findData(QVariant::fromValue<qint64>(keep));
    if (sameProject && index >= 0) m_run->setCurrentIndex(index);
    if (!sameProject) {
        ++m_request;
        m_maps.clear();
        m_heatmap->clear(any ? QStringLiteral("Pick a user and press \"Show attention\"")
                             : QStringLiteral("Train a model with attention (e.g. SASRec) to see its maps"));
        m_status->clear();
    }
}

void AttentionPage::clearProject() {
    m_paths = {};
    m_runs.clear();
    setProject({}, {});
    m_heatmap->clear(QStringLiteral("No project open"));
}

bool AttentionPage::selectRun(int64_t runId) {
    const int index = m_run->findData(QVariant::fromValue<qint64>(runId));
    if (index < 0) return false;
    m_run->setCurrentIndex(index);
    return true;
}

bool AttentionPage::showLatest() {
    if (!m_run->isEnabled() || m_run->count() == 0) return false;
    m_run->setCurrentIndex(0);  // newest first
    showAttention(m_user->currentText().isEmpty() ? QStringLiteral("#0") : m_user->currentText());
    return true;
}

void AttentionPage::showAttention(const QString& user) {
    const int64_t runId = m_run->currentData().toLongLong();
    const QString who = user.trimmed();
    if (runId <= 0 || m_paths.root.empty() || who.isEmpty()) return;
    const quint64 request = ++m_request;
    m_status->setText(QStringLiteral("Computing attention of run #%1 for user %2…").arg(runId).arg(who));
    m_show->setEnabled(false);
    const std::string project = m_paths.root;
    const std::string userId = who.toStdString();
    m_watcher->setFuture(QtConcurrent::run([project, runId, userId, request] {
        AttentionResult result;
        result.request = request;
        result.runId = runId;
        result.user = QString::fromStdString(userId);
        try {
            result.maps = core::computeAttention(project, runId, userId);
        } catch (const std::exception& error) {
            result.error = QString::fromStdString(error.what());
        } catch (...) {
            result.error = QStringLiteral("unknown error");
        }
        return result;
    }));
}

void AttentionPage::onComputed() {
    const QFuture<AttentionResult> future = m_watcher->future();
    if (future.resultCount() == 0) return;
    const AttentionResult result = future.result();
    if (result.request != m_request) return;
    m_show->setEnabled(m_run->isEnabled());
    m_maps = result.maps;
    m_mapsRun = result.runId;
    m_mapsUser = result.user;
    if (!result.error.isEmpty()) {
        m_maps.clear();
        m_heatmap->clear(QStringLiteral("No attention for this user"));
        m_status->setText(QStringLiteral("Could not compute attention: %1").arg(result.error));
        Q_EMIT attentionShown(result.runId);
        return;
    }
    if (m_maps.empty()) {
        m_heatmap->clear(QStringLiteral("This model has no attention"));
        m_status->setText(QStringLiteral("Run #%1 computes no attention maps (not a self-attention model).").arg(result.runId));
        Q_EMIT attentionShown(result.runId);
        return;
    }
    int layers = 0, heads = 0;
    for (const core::AttentionMap& map : m_maps) {
        layers = std::max(layers, map.layer + 1);
        heads = std::max(heads, map.head + 1);
    }
    {
        const QSignalBlocker layerBlocker(m_layer);
        const QSignalBlocker headBlocker(m_head);
        m_layer->setRange(1, layers);
        m_head->setRange(1, heads);
        m_layer->setEnabled(layers > 1);
        m_head->setEnabled(heads > 1);
    }
    m_status->setText(QStringLiteral("Run #%1 · user %2 · %3 layer(s) × %4 head(s) · history of %5 items · hover a cell for its weight")
                          .arg(result.runId)
                          .arg(result.user)
                          .arg(layers)
                          .arg(heads)
                          .arg(m_maps.front().cols));
    showSelected();
    Q_EMIT attentionShown(result.runId);
}

bool AttentionPage::selectMap(int layer, int head) {
    if (layer < 0 || head < 0 || layer >= m_layer->maximum() || head >= m_head->maximum()) return false;
    const QSignalBlocker layerBlocker(m_layer);
    const QSignalBlocker headBlocker(m_head);
    m_layer->setValue(layer + 1);
    m_head->setValue(head + 1);
    showSelected();
    return true;
}

void AttentionPage::showSelected() {
    const int layer = m_layer->value() - 1;
    const int head = m_head->value() - 1;
    for (const core::AttentionMap& map : m_maps) {
        if (map.layer == layer && map.head == head) {
            m_heatmap->setMap(map, QStringLiteral("Run #%1 · user %2 · layer %3, head %4")
                                       .arg(m_mapsRun)
                                       .arg(m_mapsUser)
                                       .arg(layer + 1)
                                       .arg(head + 1));
            return;
        }
    }
}

QString AttentionPage::statusText() const {
    return m_status->text();
}

}  // namespace tokenbench::ui
