#include "pages/feature_dialog.h"

#include <algorithm>

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tokenbench::ui {
namespace {

struct KindSpec {
    const char* kind;
    const char* label;
    const char* help;
};
// Embeddings need a file and come through the CLI; these three need only the data set.
constexpr KindSpec kKinds[] = {
    {"attributes", "Attributes", "Multi-hot item attributes (category, brand, ...), reduced by SVD."},
    {"text", "Text (TF-IDF)", "TF-IDF of titles and attribute names, reduced by SVD."},
    {"cooccurrence", "Co-occurrence", "PPMI of items seen close together in training histories, reduced by SVD."},
    {"text-encoder", "Text encoder",
     "Sentence embeddings of titles and attribute names by a BERT-family model (all-MiniLM, BGE, E5) from a "
     "sentence-transformers folder you choose; its width is the model's, not the dimension below."},
};

}  // namespace

FeatureDialog::FeatureDialog(const QString& datasetName, QWidget* parent)
    : QDialog(parent), m_dim(new QSpinBox), m_name(new QLineEdit), m_modelDir(new QLineEdit), m_hint(new QLabel) {
    setObjectName(QStringLiteral("featureDialog"));
    setWindowTitle(QStringLiteral("Build item features"));
    auto* intro = new QLabel(QStringLiteral("Item features of <b>%1</b>. Several kinds are concatenated, each block "
                                            "L2-normalised.").arg(datasetName.toHtmlEscaped()));
    intro->setWordWrap(true);
    auto* kinds = new QVBoxLayout;
    for (const KindSpec& spec : kKinds) {
        auto* box = new QCheckBox(QString::fromUtf8(spec.label));
        box->setObjectName(QStringLiteral("kind_%1").arg(QString::fromLatin1(spec.kind)));
        box->setProperty("kind", QString::fromLatin1(spec.kind));
        box->setToolTip(QString::fromUtf8(spec.help));
        kinds->addWidget(box);
        m_kinds.push_back(box);
        connect(box, &QCheckBox::toggled, this, &FeatureDialog::updateOk);
    }
    m_dim->setObjectName(QStringLiteral("featureDim"));
    m_dim->setRange(2, 1024);
    m_dim->setValue(32);
    m_dim->setToolTip(QStringLiteral("SVD rank per block"));
    m_name->setObjectName(QStringLiteral("featureName"));
    m_name->setPlaceholderText(QStringLiteral("default: the kinds joined by '+'"));
    m_hint->setWordWrap(true);
    m_modelDir->setObjectName(QStringLiteral("featureModelDir"));
    m_modelDir->setPlaceholderText(QStringLiteral("text encoder: a sentence-transformers model folder"));
    m_modelDir->setToolTip(QStringLiteral("A folder with config.json, model.safetensors and vocab.txt (e.g. "
                                          "all-MiniLM-L6-v2). Tokenbench never downloads models."));
    connect(m_modelDir, &QLineEdit::textChanged, this, &FeatureDialog::updateOk);
    auto* browse = new QPushButton(QStringLiteral("Browse…"));
    browse->setObjectName(QStringLiteral("featureModelDirBrowse"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, QStringLiteral("Sentence-transformers model folder"),
                                                              m_modelDir->text());
        if (!dir.isEmpty()) m_modelDir->setText(dir);
    });
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_modelDir, 1);
    modelRow->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("Kinds:"), kinds);
    form->addRow(QStringLiteral("Model folder:"), modelRow);
    form->addRow(QStringLiteral("Dimensions per kind:"), m_dim);
    form->addRow(QStringLiteral("Name:"), m_name);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Build"));
    m_ok = buttons->button(QDialogButtonBox::Ok);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_hint);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_kinds.front()->setChecked(true);  // after the OK button exists: toggling updates it
}

core::FeatureSpec FeatureDialog::spec() const {
    core::FeatureSpec spec;
    spec.kinds.clear();
    for (const QCheckBox* box : m_kinds) {
        if (box->isChecked()) spec.kinds.push_back(box->property("kind").toString().toStdString());
    }
    spec.dim = m_dim->value();
    spec.textEncoderDir = m_modelDir->text().trimmed().toStdString();
    return spec;
}

QString FeatureDialog::name() const {
    return m_name->text().trimmed();
}

void FeatureDialog::setKinds(const QStringList& kinds) {
    for (QCheckBox* box : m_kinds) box->setChecked(kinds.contains(box->property("kind").toString()));
}

void FeatureDialog::setDim(int dim) {
    m_dim->setValue(dim);
}

void FeatureDialog::setModelDir(const QString& dir) {
    m_modelDir->setText(dir);
}

void FeatureDialog::updateOk() {
    if (!m_ok) return;
    const core::FeatureSpec current = spec();
    const bool any = !current.kinds.empty();
    const bool encoder = std::find(current.kinds.begin(), current.kinds.end(), "text-encoder") != current.kinds.end();
    const bool missingFolder = encoder && current.textEncoderDir.empty();
    m_ok->setEnabled(any && !missingFolder);
    m_hint->setText(!any             ? QStringLiteral("Choose at least one kind.")
                    : missingFolder ? QStringLiteral("Choose the text encoder's model folder.")
                                    : QString());
}

}  // namespace tokenbench::ui
