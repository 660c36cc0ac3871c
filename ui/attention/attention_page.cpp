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

#include "attention/attention_heatmap.h"
#include "attention/attention_history.h"
#include "run_status.h"
#include "tokenbench/training/run_tools.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {

AttentionPage::AttentionPage(QWidget* parent)
    : QWidget(parent),
      m_run(new QComboBox),
      m_user(new QComboBox),
      m_items(new QLineEdit),
      m_layer(new QSpinBox),
      m_head(new QSpinBox),
      m_show(new QPushButton(QStringLiteral("Show attention"))),
      m_status(new QLabel),
      m_heatmap(new AttentionHeatmap),
      m_loader(this, [this](AttentionResult result) { onComputed(result); }) {
    setObjectName(QStringLiteral("attentionPage"));
    m_run->setObjectName(QStringLiteral("attentionRun"));
    m_run->setMinimumContentsLength(16);
    m_user->setObjectName(QStringLiteral("attentionUser"));
    m_user->setEditable(true);
    m_user->setMinimumContentsLength(10);
    m_user->setToolTip(QStringLiteral("The data set's raw user id, or #N for the N-th user (0-based)"));
    for (int i = 0; i < 10; ++i) m_user->addItem(QStringLiteral("#%1").arg(i));
    m_items->setObjectName(QStringLiteral("attentionItems"));
    m_items->setPlaceholderText(QStringLiteral("comma-separated item ids"));
    m_items->setClearButtonEnabled(true);
    m_items->setToolTip(QStringLiteral("A history of your own: the data set's raw item ids, oldest first. "
                                       "When filled in, it is used instead of the user."));
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
    controls->addWidget(new QLabel(QStringLiteral("or items:")));
    controls->addWidget(m_items, 2);
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

    connect(m_show, &QPushButton::clicked, this, &AttentionPage::showFromInputs);
    connect(this, &AttentionPage::attentionShown, this, [this] { m_pendingView.complete(); });
    connect(m_user->lineEdit(), &QLineEdit::returnPressed, this, [this] { showAttention(m_user->currentText()); });
    connect(m_items, &QLineEdit::returnPressed, this, [this] { showAttentionForItems(typedItems()); });
    connect(m_layer, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPage::showSelected);
    connect(m_head, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionPage::showSelected);
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
        m_loader.cancel();
        m_maps.clear();
        m_heatmap->clear(any ? QStringLiteral("Pick a user (or type items) and press \"Show attention\"")
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
    return selectItemData(*m_run, QVariant::fromValue<qint64>(runId));
}

void AttentionPage::setProject(const ProjectContents& contents) {
    if (contents.isOpen()) setProject(contents.paths, contents.runs);
    else clearProject();
}

void AttentionPage::followRun(const core::RunRecord& run) {
    if (run.kind == core::RunKind::Model) selectRun(run.id);
}

void AttentionPage::showView(const QString& name, std::function<void()> ready) {
    m_pendingView.wait(name, std::move(ready));
    if (!showLatest()) m_pendingView.complete();
}

bool AttentionPage::showLatest() {
    if (!m_run->isEnabled() || m_run->count() == 0) return false;
    m_run->setCurrentIndex(0);  // newest first
    showFromInputs();
    return true;
}

bool AttentionPage::showRun(int64_t runId) {
    if (!m_run->isEnabled() || !selectRun(runId)) return false;
    showFromInputs();
    return true;
}

QStringList AttentionPage::typedItems() const {
    QStringList items;
    for (const QString& item : m_items->text().split(QLatin1Char(','))) {
        if (!item.trimmed().isEmpty()) items << item.trimmed();
    }
    return items;
}

void AttentionPage::showFromInputs() {
    const QStringList items = typedItems();
    if (!items.isEmpty()) {
        showAttentionForItems(items);
        return;
    }
    showAttention(m_user->currentText().trimmed().isEmpty() ? QStringLiteral("#0") : m_user->currentText());
}

void AttentionPage::showAttention(const QString& user) {
    const QString who = user.trimmed();
    if (who.isEmpty()) return;
    const std::string project = m_paths.root;
    const int64_t runId = m_run->currentData().toLongLong();
    startComputing(QStringLiteral("user %1").arg(who),
                   [project, runId, userId = who.toStdString()] { return core::computeAttention(project, runId, userId); });
}

void AttentionPage::showAttentionForItems(const QStringList& itemRawIds) {
    if (itemRawIds.isEmpty()) return;
    std::vector<std::string> items;
    items.reserve(static_cast<size_t>(itemRawIds.size()));
    for (const QString& item : itemRawIds) items.push_back(item.toStdString());
    const std::string project = m_paths.root;
    const int64_t runId = m_run->currentData().toLongLong();
    startComputing(QStringLiteral("typed history"), [project, runId, items = std::move(items)] {
        return core::computeAttentionForItems(project, runId, items);
    });
}

void AttentionPage::startComputing(const QString& subject, std::function<std::vector<core::AttentionMap>()> compute) {
    const int64_t runId = m_run->currentData().toLongLong();
    if (runId <= 0 || m_paths.root.empty()) return;
    m_status->setText(QStringLiteral("Computing attention of run #%1 for %2…").arg(runId).arg(subject));
    m_show->setEnabled(false);
    // Restoring the checkpoint and running the model take seconds: never on the UI thread.
    m_loader.request([compute = std::move(compute), runId, subject] {
        AttentionResult result;
        result.runId = runId;
        result.subject = subject;
        try {
            result.maps = compute();
        } catch (const std::exception& error) {
            result.error = QString::fromStdString(error.what());
        } catch (...) {
            result.error = QStringLiteral("unknown error");
        }
        return result;
    });
}

void AttentionPage::onComputed(const AttentionResult& result) {
    m_show->setEnabled(m_run->isEnabled());
    m_maps = result.maps;
    m_mapsRun = result.runId;
    m_mapsSubject = result.subject;
    if (!result.error.isEmpty()) {
        m_maps.clear();
        m_heatmap->clear(QStringLiteral("No attention for %1").arg(result.subject));
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
    m_status->setText(QStringLiteral("Run #%1 · %2 · %3 layer(s) × %4 head(s) · %5 · hover a cell for its weight")
                          .arg(result.runId)
                          .arg(result.subject)
                          .arg(layers)
                          .arg(heads)
                          .arg(describeHistory(m_maps.front())));
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
            m_heatmap->setMap(map, QStringLiteral("Run #%1 · %2 · layer %3, head %4")
                                       .arg(m_mapsRun)
                                       .arg(m_mapsSubject)
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
