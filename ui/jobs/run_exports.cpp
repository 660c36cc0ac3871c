#include "jobs/run_exports.h"

#include <stdexcept>

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/training/run_tools.h"

namespace tokenbench::ui {
namespace {

QByteArray csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return QByteArray::fromStdString(text);
    QByteArray out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

QByteArray jsonString(const std::string& text) {
    // A one-element array gives the string with JSON escaping; strip the brackets.
    const QByteArray array = QJsonDocument(QJsonArray{QString::fromStdString(text)}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

}  // namespace

int64_t exportSemanticIds(const std::string& dbPath, int64_t runId, const std::string& path) {
    const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("json"))
        throw std::invalid_argument("the file name must end in .csv or .json: " + path);
    core::ExperimentStore store(dbPath, core::ExperimentStore::Access::ReadOnly);
    const auto run = store.findRun(runId);
    if (!run) throw std::invalid_argument("there is no run #" + std::to_string(runId));
    if (run->kind != core::RunKind::Tokenizer)
        throw std::invalid_argument("run #" + std::to_string(runId) + " is not a tokenizer run");
    const auto ids = store.semanticIds(runId);
    if (ids.empty())
        throw std::invalid_argument("run #" + std::to_string(runId) + " has no semantic IDs (status " +
                                    core::toString(run->status) + ")");
    const core::Dataset dataset = store.loadDataset(run->datasetId);
    if (dataset.items.size() != ids.size())
        throw std::invalid_argument("run #" + std::to_string(runId) + " has " + std::to_string(ids.size()) +
                                    " IDs for " + std::to_string(dataset.items.size()) + " items");

    QByteArray text;
    if (suffix == QLatin1String("csv")) {
        text = "item";
        for (size_t level = 0; level < ids.front().size(); ++level) text += ",c" + QByteArray::number(qulonglong(level + 1));
        text += '\n';
        for (size_t i = 0; i < ids.size(); ++i) {
            text += csvField(dataset.items[i].rawId);
            for (int32_t code : ids[i]) text += ',' + QByteArray::number(code);
            text += '\n';
        }
    } else {
        text = "{";
        for (size_t i = 0; i < ids.size(); ++i) {
            if (i > 0) text += ',';
            text += jsonString(dataset.items[i].rawId) + ":[";
            for (size_t level = 0; level < ids[i].size(); ++level) {
                if (level > 0) text += ',';
                text += QByteArray::number(ids[i][level]);
            }
            text += ']';
        }
        text += "}\n";
    }
    const QString target = QString::fromStdString(path);
    QDir().mkpath(QFileInfo(target).absolutePath());
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        throw std::runtime_error("cannot write " + path + ": " + file.errorString().toStdString());
    return static_cast<int64_t>(ids.size());
}

Job::Body semanticIdExportJobBody(std::string dbPath, int64_t runId, std::string path) {
    return [dbPath = std::move(dbPath), runId, path = std::move(path)](core::ProgressSink&, const std::atomic<bool>*) {
        const int64_t items = exportSemanticIds(dbPath, runId, path);
        JobOutcome outcome;
        outcome.status = core::RunStatus::Completed;
        outcome.message = "wrote " + std::to_string(items) + " semantic IDs to " + path;
        return outcome;
    };
}

Job::Body modelExportJobBody(std::string projectDir, int64_t runId, std::string outDir) {
    return [projectDir = std::move(projectDir), runId, outDir = std::move(outDir)](core::ProgressSink&,
                                                                                  const std::atomic<bool>*) {
        const std::vector<std::string> files = core::exportModelRun(projectDir, runId, outDir);
        JobOutcome outcome;
        outcome.status = core::RunStatus::Completed;
        outcome.message = "exported run #" + std::to_string(runId) + " to " + outDir + " (" +
                          std::to_string(files.size()) + " files)";
        return outcome;
    };
}

}  // namespace tokenbench::ui
