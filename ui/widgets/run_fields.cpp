#include "widgets/run_fields.h"

#include <limits>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include "tokenbench/registry.h"
#include "tokenbench/runtime.h"

namespace tokenbench::ui {

QComboBox* makeComponentSelector(const core::Registry& registry, core::ComponentKind kind, const QString& objectName) {
    auto* selector = new QComboBox;
    selector->setObjectName(objectName);
    for (const core::ComponentInfo* info : registry.list(kind)) {
        selector->addItem(QString::fromStdString(info->displayName), QString::fromStdString(info->id));
        selector->setItemData(selector->count() - 1, QString::fromStdString(info->description), Qt::ToolTipRole);
        if (info->recommended) selector->setCurrentIndex(selector->count() - 1);  // not the alphabetically first
    }
    return selector;
}

QSpinBox* makeSeedField(const QString& prefix) {
    auto* seed = new QSpinBox;
    seed->setObjectName(prefix + QStringLiteral("Seed"));
    seed->setRange(0, std::numeric_limits<int>::max());
    seed->setValue(42);
    return seed;
}

QSpinBox* makeRepeatsField(const QString& prefix) {
    auto* repeats = new QSpinBox;
    repeats->setObjectName(prefix + QStringLiteral("Repeats"));
    repeats->setRange(1, 100);
    repeats->setValue(1);
    repeats->setSpecialValueText(QStringLiteral("1 (single run)"));
    repeats->setToolTip(QStringLiteral("Runs to start, one per seed (seed, seed + 1, …). Several are kept together as "
                                       "a group whose figures the Runs page shows as mean ± 95 % CI."));
    return repeats;
}

QComboBox* makeDeviceField(const QString& prefix, bool withAutomatic) {
    auto* device = new QComboBox;
    device->setObjectName(prefix + QStringLiteral("Device"));
    if (withAutomatic) device->addItem(QStringLiteral("Automatic"), QStringLiteral("auto"));
    device->addItem(QStringLiteral("CPU"), QStringLiteral("cpu"));
    if (core::runtimeInfo().cudaAvailable) device->addItem(QStringLiteral("CUDA GPU"), QStringLiteral("cuda"));
    return device;
}

QLineEdit* makeRunNameField(const QString& prefix) {
    auto* name = new QLineEdit;
    name->setObjectName(prefix + QStringLiteral("RunName"));
    name->setPlaceholderText(QStringLiteral("optional label"));
    return name;
}

QLabel* makeFormErrorLabel(const QString& prefix) {
    auto* error = new QLabel;
    error->setObjectName(prefix + QStringLiteral("FormError"));
    error->setWordWrap(true);
    error->hide();
    return error;
}

}  // namespace tokenbench::ui
