#pragma once
/// A form generated from a component's parameter schema (core::ParamSpec): one widget per
/// parameter, its help as tooltip, values read back as the JSON config core validates. The tokenizer
/// and model pages both use it; neither names a component.

#include <string>
#include <vector>

#include <QString>
#include <QWidget>

#include "tokenbench/registry.h"

class QFormLayout;
class QLabel;
class QLineEdit;

namespace tokenbench::ui {

/// Spin boxes for Int/Float (ranges from the schema), a check box for Bool, a combo for Choice, a
/// line edit for String, a line edit with a file chooser for Path. UI thread.
class SchemaForm final : public QWidget {
    Q_OBJECT

public:
    explicit SchemaForm(QWidget* parent = nullptr);

    /// Rebuilds the fields for `info` with its defaults. `hidden` keys get no field (a page that
    /// sets them itself, e.g. an import file) and keep their defaults.
    void setComponent(const core::ComponentInfo& info, const std::vector<std::string>& hidden = {});
    /// Fills fields from a stored config (a JSON object); unknown keys are ignored. False when the
    /// text is not a JSON object.
    bool setConfig(const std::string& configJson);
    /// Back to the schema's defaults.
    void resetToDefaults();
    /// The fields' values as a JSON object text (every shown parameter, typed as the schema says).
    [[nodiscard]] std::string configJson() const;
    /// configJson() checked by core::validateConfig; returns the completed config or sets `error`
    /// (also shown under the form) and returns an empty string.
    [[nodiscard]] std::string validatedConfig(QString* error = nullptr);

    /// Sets one field from text as a user would type it; false for an unknown key or a bad value.
    bool setValue(const QString& key, const QString& text);
    /// The current value of one field as text ("256", "0.25", "true"), empty for an unknown key.
    [[nodiscard]] QString value(const QString& key) const;
    [[nodiscard]] const std::string& componentId() const { return m_info.id; }
    /// Keys that have a field, in schema order.
    [[nodiscard]] QStringList keys() const;
    void setReadOnly(bool readOnly);

Q_SIGNALS:
    /// Any field changed by the user or by setValue/setConfig.
    void changed();

private:
    struct Field {
        core::ParamSpec spec;
        QWidget* editor = nullptr;
        QWidget* row = nullptr;  ///< the editor, or the widget holding it (a Path's line edit and button)
    };
    QWidget* pathRow(QLineEdit* edit, const QString& title);
    [[nodiscard]] const Field* field(const QString& key) const;
    void clearFields();

    core::ComponentInfo m_info;
    std::vector<Field> m_fields;
    QFormLayout* m_layout = nullptr;
    QLabel* m_description = nullptr;
    QLabel* m_error = nullptr;
};

}  // namespace tokenbench::ui
