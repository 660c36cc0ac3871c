#include "widgets/run_fields.h"

#include <limits>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include "tokenbench/runtime.h"

namespace tokenbench::ui {

QSpinBox* makeSeedField(const QString& prefix) {
    auto* seed = new QSpinBox;
    seed->setObjectName(prefix + QStringLiteral("Seed"));
    seed->setRange(0, std::numeric_limits<int>::max());
    seed->setValue(42);
    return seed;
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
