#include "tokenbench/experiment/experiment_file.h"

#include "experiment/json_reader.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/jobs/repeat_job.h"
#include "tokenbench/jobs/run_settings.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "tokenbench-experiment/1";

}  // namespace

ExperimentFile readExperimentFile(const std::string& path) {
    return parseExperiment(readTextFile(path, "experiment file"), path);
}

ExperimentFile parseExperiment(const std::string& text, const std::string& path) {
    const json root = parseWithLines(text, path);
    if (!root.is_object()) throw DataError(path, 1, 1, "expected a JSON object describing an experiment");
    const JsonReader r(path, root, "");
    ExperimentFile file;
    file.path = path;
    const std::string format = r.text("format", kFormat);
    if (format != kFormat) r.fail("format", std::string("\"") + kFormat + "\"");
    file.name = r.text("name", "", true);
    file.description = r.text("description", "");
    if (!r.has("dataset")) r.fail("dataset", "an object (required)");
    const JsonReader d = r.child("dataset");
    file.datasetName = d.text("name", "", true);
    file.download = d.text("download", "");
    if (d.has("synthetic")) {
        const JsonReader s = d.child("synthetic");
        file.synthetic = true;
        file.syntheticConfig.users = static_cast<int32_t>(s.integer("users", file.syntheticConfig.users, 10));
        file.syntheticConfig.items = static_cast<int32_t>(s.integer("items", file.syntheticConfig.items, 10));
        file.syntheticConfig.seed = static_cast<uint64_t>(s.integer("seed", 42, 0));
    } else if (d.has("import")) {
        const JsonReader i = d.child("import");
        file.import.name = file.datasetName;
        file.import.load.format = i.text("format", "auto");
        file.import.load.paths = i.strings("paths");
        if (file.import.load.paths.empty()) i.fail("paths", "one or more data files (relative to the data folder)");
        file.import.load.attributesPath = i.text("attributes", "");
        file.import.load.itemsPath = i.text("items", "");
        if (i.has("item_table")) {
            const JsonReader t = i.child("item_table");
            ItemTableOptions& table = file.import.itemTable;
            table.path = t.text("path", "", true);
            table.mapping.idField = t.text("id_field", table.mapping.idField);
            table.mapping.titleField = t.text("title_field", table.mapping.titleField);
            table.mapping.textFields = t.strings("text_fields");
            table.mapping.attributeFields = t.strings("attribute_fields");
            const std::string separator = t.text("separator", "");
            if (separator.size() > 1) t.fail("separator", "one character");
            if (!separator.empty()) table.mapping.listSeparator = separator[0];
        }
        file.import.preprocess.userCore = static_cast<int32_t>(i.integer("user_core", 0, 0));
        file.import.preprocess.itemCore = static_cast<int32_t>(i.integer("item_core", 0, 0));
        if (i.has("min_rating")) file.import.preprocess.minRating = i.number("min_rating", 0.0, -1e300);
    } else {
        d.fail("synthetic", "a \"synthetic\" or an \"import\" object");
    }
    for (const JsonReader& f : r.list("features")) {
        ExperimentFeatures features;
        features.name = f.text("name", "", true);
        features.kinds = f.text("kinds", "", true);
        features.dim = static_cast<int32_t>(f.integer("dim", 32, 1));
        features.modelRunId = f.integer("run", 0, 1);
        file.features.push_back(features);
    }
    for (const JsonReader& t : r.list("tokenizers")) {
        ExperimentTokenizer tokenizer;
        tokenizer.name = t.text("name", "", true);
        tokenizer.method = t.text("method", "", true);
        tokenizer.features = t.text("features", "", true);
        tokenizer.seed = static_cast<uint64_t>(t.integer("seed", 42, 0));
        tokenizer.collisions = t.text("collisions", "extra-level");
        tokenizer.configJson = t.object("config");
        file.tokenizers.push_back(tokenizer);
    }
    for (const JsonReader& m : r.list("models")) {
        ExperimentModel model;
        model.name = m.text("name", "", true);
        model.model = m.text("model", "", true);
        model.tokenizer = m.text("tokenizer", "");
        model.runSettingsJson = m.settings(runSettingsInfo());
        model.configJson = m.object("config");
        model.excludeHistory = m.boolean("exclude_history", false);
        if (m.has("seeds")) {
            const json& seeds = m.node().at("seeds");
            if (!seeds.is_array() || seeds.empty()) m.fail("seeds", "a non-empty list of seeds");
            for (const json& seed : seeds) {
                if (!seed.is_number_unsigned()) m.fail("seeds", "a list of non-negative integer seeds");
                model.seeds.push_back(seed.get<uint64_t>());
            }
            try {
                (void)repeatSeeds(model.seeds, 0, 0);
            } catch (const std::invalid_argument& e) {
                throw DataError(path, m.where("seeds") + ": " + e.what());
            }
        }
        bool known = model.tokenizer.empty();
        for (const auto& t : file.tokenizers) known = known || t.name == model.tokenizer;
        if (!known) throw DataError(path, "models: '" + model.name + "' names tokenizer '" + model.tokenizer +
                                              "', which the file does not define");
        file.models.push_back(model);
    }
    for (const JsonReader& c : r.list("comparisons")) {
        ExperimentComparison comparison;
        comparison.a = c.text("a", "", true);
        comparison.b = c.text("b", "", true);
        comparison.metric = c.text("metric", comparison.metric);
        comparison.split = c.text("split", comparison.split);
        for (const std::string* name : {&comparison.a, &comparison.b}) {
            bool known = false;
            for (const auto& m : file.models) known = known || m.name == *name;
            if (!known) c.fail(name == &comparison.a ? "a" : "b", "the name of a model of this file, not '" + *name + "'");
        }
        if (comparison.a == comparison.b) c.fail("b", "a model other than a");
        try {
            (void)metricOfRank(comparison.metric, 0);
        } catch (const std::invalid_argument& e) {
            throw DataError(path, c.where("metric") + ": " + e.what());
        }
        if (comparison.split != "test" && comparison.split != "valid") c.fail("split", "\"test\" or \"valid\"");
        file.comparisons.push_back(comparison);
    }
    return file;
}

}  // namespace tokenbench::core
