// SchemaForm: one field per parameter of any component's schema, defaults shown, values typed as
// the schema says, validation through core, stored configs read back. Every registered tokenizer
// and model gets a form whose defaults validate.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>

#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "widgets/schema_form.h"

using namespace tokenbench;

namespace {

core::ComponentInfo sampleInfo() {
    core::ComponentInfo info;
    info.id = "sample";
    info.displayName = "Sample";
    info.kind = core::ComponentKind::Model;
    info.description = "A component with one parameter of every type.";
    info.params = {
        {"layers", "Layers", core::ParamType::Int, "2", 1, 8, {}, "Transformer blocks."},
        {"lr", "Learning rate", core::ParamType::Float, "0.001", 1e-6, 1.0, {}, "Adam step size."},
        {"tied", "Tie embeddings", core::ParamType::Bool, "true", {}, {}, {}, "Share input and output embeddings."},
        {"loss", "Loss", core::ParamType::Choice, "ce", {}, {}, {"ce", "bce"}, "Training objective."},
        {"note", "Note", core::ParamType::String, "", {}, {}, {}, "Free text."},
    };
    return info;
}

QJsonObject parse(const std::string& json) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

}  // namespace

class TestSchemaForm final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fieldsFollowTheSchema() {
        ui::SchemaForm form;
        form.setComponent(sampleInfo());
        QCOMPARE(form.keys(), (QStringList{"layers", "lr", "tied", "loss", "note"}));
        auto* layers = form.findChild<QSpinBox*>(QStringLiteral("param_layers"));
        auto* lr = form.findChild<QDoubleSpinBox*>(QStringLiteral("param_lr"));
        auto* tied = form.findChild<QCheckBox*>(QStringLiteral("param_tied"));
        auto* loss = form.findChild<QComboBox*>(QStringLiteral("param_loss"));
        auto* note = form.findChild<QLineEdit*>(QStringLiteral("param_note"));
        QVERIFY(layers && lr && tied && loss && note);
        QCOMPARE(layers->minimum(), 1);
        QCOMPARE(layers->maximum(), 8);
        QCOMPARE(layers->value(), 2);
        QCOMPARE(lr->value(), 0.001);
        QCOMPARE(lr->text(), QLocale().toString(0.001, 'g', 8));  // not rounded to two decimals
        QVERIFY(tied->isChecked());
        QCOMPARE(loss->count(), 2);
        QCOMPARE(loss->currentText(), QStringLiteral("ce"));
        QVERIFY(layers->toolTip().contains(QStringLiteral("Transformer blocks.")));
        QVERIFY(layers->toolTip().contains(QStringLiteral("range: 1 … 8")));
        QVERIFY(form.findChild<QLabel*>(QStringLiteral("schemaDescription"))->text().contains(QStringLiteral("every type")));
    }

    // A Path parameter is a line edit with a file chooser beside it; its value is the text.
    void pathParametersGetAFileChooser() {
        core::ComponentInfo info = sampleInfo();
        info.params.push_back({"file", "File", core::ParamType::Path, "", {}, {}, {}, "Semantic IDs to read."});
        ui::SchemaForm form;
        form.setComponent(info);
        auto* edit = form.findChild<QLineEdit*>(QStringLiteral("param_file"));
        QVERIFY(edit);
        QVERIFY(form.findChild<QToolButton*>(QStringLiteral("param_file_browse")));
        QVERIFY(form.setValue(QStringLiteral("file"), QStringLiteral("/data/ids.csv")));
        QCOMPARE(edit->text(), QStringLiteral("/data/ids.csv"));
        QCOMPARE(form.value(QStringLiteral("file")), QStringLiteral("/data/ids.csv"));
        QCOMPARE(parse(form.validatedConfig()).value(QStringLiteral("file")).toString(), QStringLiteral("/data/ids.csv"));
        form.setReadOnly(true);
        QVERIFY(!edit->isEnabled());
        QVERIFY(!form.findChild<QToolButton*>(QStringLiteral("param_file_browse"))->isEnabled());
    }

    // The model page's run settings come from core's schema: ranges as the CLI's.
    void runSettingsFormFollowsTheCoreSchema() {
        ui::SchemaForm form;
        form.setComponent(core::runSettingsInfo());
        auto* epochs = form.findChild<QSpinBox*>(QStringLiteral("param_epochs"));
        QVERIFY(epochs);
        QCOMPARE(epochs->minimum(), 1);
        QCOMPARE(epochs->maximum(), 1000000);
        QVERIFY(form.findChild<QComboBox*>(QStringLiteral("param_valid_metric")));
        QVERIFY(form.findChild<QCheckBox*>(QStringLiteral("param_mixed_precision")));
        core::TrainRequest request;
        core::applyRunSettings(form.validatedConfig(), request);
        QCOMPARE(core::runSettingsJson(request), core::runSettingsJson(core::TrainRequest{}));
    }

    void valuesAreTypedAndValidated() {
        ui::SchemaForm form;
        form.setComponent(sampleInfo());
        QSignalSpy changed(&form, &ui::SchemaForm::changed);
        QVERIFY(form.setValue(QStringLiteral("layers"), QStringLiteral("4")));
        QVERIFY(form.setValue(QStringLiteral("lr"), QStringLiteral("1e-05")));
        QVERIFY(form.setValue(QStringLiteral("tied"), QStringLiteral("false")));
        QVERIFY(form.setValue(QStringLiteral("loss"), QStringLiteral("bce")));
        QVERIFY(form.setValue(QStringLiteral("note"), QStringLiteral("hello")));
        QVERIFY(changed.count() >= 5);
        QVERIFY(!form.setValue(QStringLiteral("layers"), QStringLiteral("99")));  // out of range
        QVERIFY(!form.setValue(QStringLiteral("loss"), QStringLiteral("mse")));   // not a choice
        QVERIFY(!form.setValue(QStringLiteral("nope"), QStringLiteral("1")));

        const QJsonObject config = parse(form.configJson());
        QCOMPARE(config.value(QStringLiteral("layers")).toInt(), 4);
        QVERIFY(config.value(QStringLiteral("layers")).isDouble());
        QCOMPARE(config.value(QStringLiteral("lr")).toDouble(), 1e-05);
        QCOMPARE(config.value(QStringLiteral("tied")).toBool(), false);
        QCOMPARE(config.value(QStringLiteral("loss")).toString(), QStringLiteral("bce"));
        QCOMPARE(config.value(QStringLiteral("note")).toString(), QStringLiteral("hello"));

        QString error;
        const std::string validated = form.validatedConfig(&error);
        QVERIFY2(!validated.empty(), qPrintable(error));
        QCOMPARE(parse(validated).value(QStringLiteral("layers")).toInt(), 4);
    }

    void storedConfigsReadBackAndDefaultsReset() {
        ui::SchemaForm form;
        form.setComponent(sampleInfo());
        QVERIFY(form.setConfig(R"({"layers": 6, "lr": 0.5, "tied": false, "loss": "bce", "unknown": 1})"));
        QCOMPARE(form.value(QStringLiteral("layers")), QStringLiteral("6"));
        QCOMPARE(form.value(QStringLiteral("lr")), QStringLiteral("0.5"));
        QCOMPARE(form.value(QStringLiteral("tied")), QStringLiteral("false"));
        QCOMPARE(form.value(QStringLiteral("loss")), QStringLiteral("bce"));
        QVERIFY(!form.setConfig("not json"));
        form.resetToDefaults();
        QCOMPARE(form.value(QStringLiteral("layers")), QStringLiteral("2"));
        QCOMPARE(form.value(QStringLiteral("tied")), QStringLiteral("true"));
    }

    void hiddenKeysGetNoField() {
        ui::SchemaForm form;
        form.setComponent(sampleInfo(), {"note", "loss"});
        QCOMPARE(form.keys(), (QStringList{"layers", "lr", "tied"}));
        QVERIFY(!form.findChild<QLineEdit*>(QStringLiteral("param_note")));
    }

    void everyRegisteredComponentHasAValidDefaultForm() {
        core::Registry registry;
        core::registerTokenizers(registry);
        core::registerModels(registry);
        int forms = 0;
        for (const auto kind : {core::ComponentKind::Tokenizer, core::ComponentKind::Model}) {
            for (const core::ComponentInfo* info : registry.list(kind)) {
                ui::SchemaForm form;
                form.setComponent(*info);
                QCOMPARE(form.keys().size(), static_cast<qsizetype>(info->params.size()));
                // String parameters without a default (a file to import) are the user's to fill.
                bool needsInput = false;
                for (const core::ParamSpec& spec : info->params) {
                    needsInput = needsInput || (spec.type == core::ParamType::String && spec.defaultValue.empty());
                }
                QString error;
                const std::string config = form.validatedConfig(&error);
                QVERIFY2(!config.empty() || needsInput, qPrintable(QString::fromStdString(info->id) + ": " + error));
                ++forms;
            }
        }
        QVERIFY(forms >= 4);
    }
};

QTEST_MAIN(TestSchemaForm)
#include "test_schema_form.moc"
