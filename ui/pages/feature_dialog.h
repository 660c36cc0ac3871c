#pragma once
/// Dialog for building an item feature set of a data set (kinds, dimensions, text encoder folder, name).

#include <vector>

#include <QDialog>

#include "tokenbench/features/featurizers.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tokenbench::ui {

/// Collects a FeatureSpec; the page runs the build as a job once accepted. UI thread.
class FeatureDialog final : public QDialog {
    Q_OBJECT

public:
    FeatureDialog(const QString& datasetName, QWidget* parent = nullptr);

    /// The spec from the checked kinds and dimension.
    [[nodiscard]] core::FeatureSpec spec() const;
    /// Empty: core names the set after its kinds.
    [[nodiscard]] QString name() const;
    void setKinds(const QStringList& kinds);
    void setDim(int dim);
    /// The text encoder's sentence-transformers folder (what "Browse…" sets).
    void setModelDir(const QString& dir);

private:
    void updateOk();

    std::vector<QCheckBox*> m_kinds;
    QSpinBox* m_dim;
    QLineEdit* m_name;
    QLineEdit* m_modelDir;
    QLabel* m_hint;
    QWidget* m_ok = nullptr;
};

}  // namespace tokenbench::ui
