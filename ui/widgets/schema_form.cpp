#include "widgets/schema_form.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "plots/palette.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {
namespace {

/// Shows 0.0001 as "0.0001" and 1e-6 as "1e-06" rather than a fixed number of decimals, and
/// accepts what it shows. Learning rates and betas differ by orders of magnitude.
class CompactDoubleSpinBox final : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

    QString textFromValue(double value) const override { return locale().toString(value, 'g', 8); }
    double valueFromText(const QString& text) const override { return locale().toDouble(text.trimmed()); }
    QValidator::State validate(QString& text, int& pos) const override {
        (void)pos;
        const QString trimmed = text.trimmed();
        if (trimmed.isEmpty() || trimmed == QStringLiteral("-") || trimmed.endsWith(QLatin1Char('e'), Qt::CaseInsensitive))
            return QValidator::Intermediate;
        bool ok = false;
        const double value = locale().toDouble(trimmed, &ok);
        if (!ok) return QValidator::Invalid;
        return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
};

double stepFor(double value) {
    const double magnitude = std::abs(value);
    if (magnitude <= 0.0 || !std::isfinite(magnitude)) return 0.1;
    return std::pow(10.0, std::floor(std::log10(magnitude)) - 1.0);
}

QString boolText(bool value) {
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

bool parseBool(const QString& text, bool* ok) {
    const QString t = text.trimmed().toLower();
    *ok = true;
    if (t == QLatin1String("true") || t == QLatin1String("1") || t == QLatin1String("yes") || t == QLatin1String("on"))
        return true;
    if (t == QLatin1String("false") || t == QLatin1String("0") || t == QLatin1String("no") || t == QLatin1String("off"))
        return false;
    *ok = false;
    return false;
}

}  // namespace

QWidget* SchemaForm::pathRow(QLineEdit* edit, const QString& title) {
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* browse = new QToolButton;
    browse->setObjectName(edit->objectName() + QStringLiteral("_browse"));
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(QStringLiteral("Choose a file"));
    layout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, title] {
        const QString file = QFileDialog::getOpenFileName(this, title, edit->text());
        if (!file.isEmpty()) edit->setText(file);
    });
    return row;
}

SchemaForm::SchemaForm(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("schemaForm"));
    m_description = new QLabel(this);
    m_description->setObjectName(QStringLiteral("schemaDescription"));
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette muted = m_description->palette();
    muted.setColor(QPalette::WindowText, blend(palette().color(QPalette::Window), palette().color(QPalette::WindowText), 0.7));
    m_description->setPalette(muted);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("schemaError"));
    m_error->setWordWrap(true);
    QPalette error = m_error->palette();
    error.setColor(QPalette::WindowText, seriesColor(2).darker(120));
    m_error->setPalette(error);
    m_error->hide();

    m_layout = new QFormLayout;
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_layout->setRowWrapPolicy(QFormLayout::DontWrapRows);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_description);
    layout->addLayout(m_layout);
    layout->addWidget(m_error);
}

void SchemaForm::clearFields() {
    while (m_layout->rowCount() > 0) m_layout->removeRow(0);
    m_fields.clear();
}

void SchemaForm::setComponent(const core::ComponentInfo& info, const std::vector<std::string>& hidden) {
    clearFields();
    m_info = info;
    m_error->hide();
    m_description->setText(QString::fromStdString(info.description));
    m_description->setToolTip(QString::fromStdString(info.description));
    m_description->setVisible(!info.description.empty());

    for (const core::ParamSpec& spec : info.params) {
        if (std::find(hidden.begin(), hidden.end(), spec.key) != hidden.end()) continue;
        QWidget* editor = nullptr;
        QWidget* row = nullptr;  // what the form shows when it is more than the editor
        const QString key = QString::fromStdString(spec.key);
        switch (spec.type) {
            case core::ParamType::Int: {
                auto* spin = new QSpinBox;
                const double low = spec.min.value_or(-1e9);
                const double high = spec.max.value_or(1e9);
                spin->setRange(static_cast<int>(std::max(low, double(std::numeric_limits<int>::min()))),
                               static_cast<int>(std::min(high, double(std::numeric_limits<int>::max()))));
                spin->setGroupSeparatorShown(false);
                connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &SchemaForm::changed);
                editor = spin;
                break;
            }
            case core::ParamType::Float: {
                auto* spin = new CompactDoubleSpinBox;
                spin->setDecimals(12);
                spin->setRange(spec.min.value_or(-1e12), spec.max.value_or(1e12));
                spin->setSingleStep(stepFor(QString::fromStdString(spec.defaultValue).toDouble()));
                connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &SchemaForm::changed);
                editor = spin;
                break;
            }
            case core::ParamType::Bool: {
                auto* check = new QCheckBox;
                connect(check, &QCheckBox::toggled, this, &SchemaForm::changed);
                editor = check;
                break;
            }
            case core::ParamType::Choice: {
                auto* combo = new QComboBox;
                for (const std::string& choice : spec.choices) combo->addItem(QString::fromStdString(choice));
                connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, &SchemaForm::changed);
                editor = combo;
                break;
            }
            case core::ParamType::String:
            case core::ParamType::Path: {
                auto* edit = new QLineEdit;
                connect(edit, &QLineEdit::textChanged, this, &SchemaForm::changed);
                editor = edit;
                edit->setObjectName(QStringLiteral("param_") + key);  // before pathRow names its button after it
                if (spec.type == core::ParamType::Path) row = pathRow(edit, QString::fromStdString(spec.label));
                break;
            }
        }
        editor->setObjectName(QStringLiteral("param_") + key);
        const QString help = QString::fromStdString(spec.help);
        QString tip = help.isEmpty() ? QString::fromStdString(spec.label) : help;
        tip += QStringLiteral("\nKey: %1 · default: %2").arg(key, QString::fromStdString(spec.defaultValue));
        if (spec.min || spec.max) {
            tip += QStringLiteral(" · range: %1 … %2")
                       .arg(spec.min ? QString::number(*spec.min) : QStringLiteral("−∞"),
                            spec.max ? QString::number(*spec.max) : QStringLiteral("∞"));
        }
        editor->setToolTip(tip);
        auto* label = new QLabel(QString::fromStdString(spec.label.empty() ? spec.key : spec.label) + QLatin1Char(':'));
        label->setToolTip(tip);
        label->setBuddy(editor);
        m_layout->addRow(label, row ? row : editor);
        m_fields.push_back({spec, editor, row ? row : editor});
    }
    resetToDefaults();
}

void SchemaForm::resetToDefaults() {
    const QSignalBlocker blocker(this);
    for (const Field& f : m_fields) setValue(QString::fromStdString(f.spec.key), QString::fromStdString(f.spec.defaultValue));
    m_error->hide();
}

const SchemaForm::Field* SchemaForm::field(const QString& key) const {
    for (const Field& f : m_fields) {
        if (QString::fromStdString(f.spec.key) == key) return &f;
    }
    return nullptr;
}

bool SchemaForm::setValue(const QString& key, const QString& text) {
    const Field* f = field(key);
    if (!f) return false;
    bool ok = true;
    switch (f->spec.type) {
        case core::ParamType::Int: {
            const qlonglong v = text.trimmed().toLongLong(&ok);
            auto* spin = static_cast<QSpinBox*>(f->editor);
            if (ok && v >= spin->minimum() && v <= spin->maximum()) spin->setValue(static_cast<int>(v));
            else ok = false;
            break;
        }
        case core::ParamType::Float: {
            const double v = QLocale::c().toDouble(text.trimmed(), &ok);
            auto* spin = static_cast<QDoubleSpinBox*>(f->editor);
            if (ok && v >= spin->minimum() && v <= spin->maximum()) spin->setValue(v);
            else ok = false;
            break;
        }
        case core::ParamType::Bool: {
            const bool v = parseBool(text, &ok);
            if (ok) static_cast<QCheckBox*>(f->editor)->setChecked(v);
            break;
        }
        case core::ParamType::Choice: {
            auto* combo = static_cast<QComboBox*>(f->editor);
            const int index = combo->findText(text.trimmed());
            ok = index >= 0;
            if (ok) combo->setCurrentIndex(index);
            break;
        }
        case core::ParamType::String:
        case core::ParamType::Path:
            static_cast<QLineEdit*>(f->editor)->setText(text);
            break;
    }
    return ok;
}

QString SchemaForm::value(const QString& key) const {
    const Field* f = field(key);
    if (!f) return {};
    switch (f->spec.type) {
        case core::ParamType::Int:
            return QString::number(static_cast<QSpinBox*>(f->editor)->value());
        case core::ParamType::Float:
            return QLocale::c().toString(static_cast<QDoubleSpinBox*>(f->editor)->value(), 'g', 12);
        case core::ParamType::Bool:
            return boolText(static_cast<QCheckBox*>(f->editor)->isChecked());
        case core::ParamType::Choice:
            return static_cast<QComboBox*>(f->editor)->currentText();
        case core::ParamType::String:
        case core::ParamType::Path:
            return static_cast<QLineEdit*>(f->editor)->text();
    }
    return {};
}

QStringList SchemaForm::keys() const {
    QStringList out;
    for (const Field& f : m_fields) out << QString::fromStdString(f.spec.key);
    return out;
}

bool SchemaForm::setConfig(const std::string& configJson) {
    const auto values = core::configValues(configJson);
    if (!values) return false;
    for (const Field& f : m_fields) {
        const auto it = values->find(f.spec.key);
        if (it != values->end()) setValue(QString::fromStdString(f.spec.key), QString::fromStdString(it->second));
    }
    return true;
}

std::string SchemaForm::configJson() const {
    QJsonObject object;
    for (const Field& f : m_fields) {
        const QString key = QString::fromStdString(f.spec.key);
        switch (f.spec.type) {
            case core::ParamType::Int:
                object.insert(key, static_cast<QSpinBox*>(f.editor)->value());
                break;
            case core::ParamType::Float:
                object.insert(key, static_cast<QDoubleSpinBox*>(f.editor)->value());
                break;
            case core::ParamType::Bool:
                object.insert(key, static_cast<QCheckBox*>(f.editor)->isChecked());
                break;
            case core::ParamType::Choice:
                object.insert(key, static_cast<QComboBox*>(f.editor)->currentText());
                break;
            case core::ParamType::String:
            case core::ParamType::Path:
                object.insert(key, static_cast<QLineEdit*>(f.editor)->text());
                break;
        }
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

std::string SchemaForm::validatedConfig(QString* error) {
    try {
        const std::string config = core::validateConfig(m_info, configJson());
        m_error->hide();
        return config;
    } catch (const std::exception& e) {
        const QString message = QString::fromStdString(e.what());
        m_error->setText(message);
        m_error->show();
        if (error) *error = message;
        return {};
    }
}

void SchemaForm::setReadOnly(bool readOnly) {
    for (const Field& f : m_fields) f.row->setEnabled(!readOnly);
}

}  // namespace tokenbench::ui
