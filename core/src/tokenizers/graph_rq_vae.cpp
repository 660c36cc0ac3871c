// Graph RQ-VAE (MMGRec, Liu et al. 2024, "Rec-ID"): item features are first propagated over the
// user-item graph of the split's training interactions (FitContext::interactions, so no validation or
// test item shapes an ID), mixing content with collaborative signal, then residually quantized by the
// RQ-VAE tokenizer (rq_vae.cpp, reused whole: every rq-vae option applies). An optional final token
// orders the items sharing a code prefix by training popularity, which makes every ID unique.
//
// Saved state: weights.safetensors holds the graph (CSR of each item's distinct training users) and
// the popularity counts, so encode() after loadState() propagates exactly as after fit(); the
// quantizer is the rq-vae's own saved state in the sub-folder rq-vae/.
#include "tokenizers/builtin_tokenizers.h"

#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"
#include "tokenizers/graph_propagation.h"
#include "tokenizers/popularity_token.h"
#include "common/json_file.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kGraphRqVaeId = "graph-rq-vae";
constexpr int kVersion = 1;
constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kConfigFile = "config.json";
constexpr const char* kQuantizerFolder = "rq-vae";

/// The graph's own keys; every other key of the config is the rq-vae's.
std::vector<ParamSpec> graphParams() {
    ParamSpec hops;
    hops.key = "graph_hops";
    hops.label = "Propagation hops";
    hops.type = ParamType::Int;
    hops.defaultValue = "2";
    hops.min = 0;
    hops.max = 8;
    hops.help = "Item -> user -> item rounds over the training interactions (0 = content only)";
    ParamSpec mix;
    mix.key = "graph_mix";
    mix.label = "Graph mix";
    mix.type = ParamType::Float;
    mix.defaultValue = "0.5";
    mix.min = 0;
    mix.max = 1;
    mix.help = "Share of the propagated neighbourhood in each item's input (0 = content only, 1 = graph only)";
    ParamSpec popularity;
    popularity.key = "popularity_token";
    popularity.label = "Popularity token";
    popularity.type = ParamType::Bool;
    popularity.defaultValue = "true";
    popularity.help = "Append a token ranking the items that share a code prefix by training popularity "
                      "(most popular = 0): every ID unique";
    return {hops, mix, popularity};
}

/// Int32 values of a tensor read back from the weights file.
std::vector<int32_t> intValues(const std::string& path, const std::map<std::string, TensorData>& tensors,
                               const std::string& name) {
    const auto found = tensors.find(name);
    if (found == tensors.end()) throw DataError(path, "missing tensor '" + name + "'");
    const TensorData& t = found->second;
    if (t.dtype != "I32" || t.shape.size() != 1 || static_cast<int64_t>(t.bytes.size()) != t.elementCount() * 4)
        throw DataError(path, "tensor '" + name + "' must be a 1-d I32 tensor");
    std::vector<int32_t> values(static_cast<size_t>(t.elementCount()));
    if (!values.empty()) std::memcpy(values.data(), t.bytes.data(), t.bytes.size());
    return values;
}

class GraphRqVaeTokenizer final : public Tokenizer {
public:
    /// `configJson` is validated against graphRqVaeInfo().
    explicit GraphRqVaeTokenizer(const std::string& configJson) : m_configJson(configJson) {
        json quantizer = json::parse(configJson);
        m_options.hops = quantizer.at("graph_hops").get<int>();
        m_options.mix = quantizer.at("graph_mix").get<double>();
        m_popularityToken = quantizer.at("popularity_token").get<bool>();
        for (const ParamSpec& spec : graphParams()) quantizer.erase(spec.key);
        m_quantizer = makeRqVae(quantizer.dump());
    }

    [[nodiscard]] std::string id() const override { return kGraphRqVaeId; }
    [[nodiscard]] int32_t levels() const override { return m_quantizer->levels() + (m_popularityToken ? 1 : 0); }
    [[nodiscard]] int32_t codebookSize() const override { return m_quantizer->codebookSize(); }
    [[nodiscard]] int32_t codebookLevels() const override { return m_quantizer->levels(); }

    void fit(const FeatureMatrix& features, const FitContext& context) override {
        m_graph.reset();
        if (!context.interactions || !context.interactions->items)
            throw std::invalid_argument(std::string(kGraphRqVaeId) + ": needs the training interactions of a data set");
        const auto catalogue = static_cast<int64_t>(context.interactions->items->size());
        if (features.rows != catalogue)
            throw std::invalid_argument(std::string(kGraphRqVaeId) + ": " + std::to_string(features.rows) +
                                        " feature rows for a catalogue of " + std::to_string(catalogue) + " items");
        if (context.progress) context.progress(0.0, "graph propagation");
        InteractionGraph graph = interactionGraph(*context.interactions, catalogue);
        const FeatureMatrix propagated = propagateFeatures(features, graph, m_options);
        m_quantizer->fit(propagated, context);
        m_graph = std::move(graph);
        m_inputDim = features.dim;
    }

    [[nodiscard]] SemanticIds encode(const FeatureMatrix& features) const override {
        requireFitted("encode()");
        const SemanticIds ids = m_quantizer->encode(propagateFeatures(features, *m_graph, m_options));
        return m_popularityToken ? appendPopularityToken(ids, popularityOf(features.rows)) : ids;
    }

    [[nodiscard]] FeatureMatrix lastLevelDistances(const FeatureMatrix& features) const override {
        requireFitted("lastLevelDistances()");
        // The popularity token is no geometry, and leaves no collision to re-assign.
        if (m_popularityToken) return {};
        return m_quantizer->lastLevelDistances(propagateFeatures(features, *m_graph, m_options));
    }

    void save(const std::string& directory) const override {
        requireFitted("save()");
        const std::filesystem::path dir(directory);
        std::filesystem::create_directories(dir);
        std::vector<int32_t> offsets{0}, users;
        for (const auto& ofItem : m_graph->usersOfItem) {
            users.insert(users.end(), ofItem.begin(), ofItem.end());
            offsets.push_back(static_cast<int32_t>(users.size()));
        }
        const auto items = static_cast<int64_t>(m_graph->usersOfItem.size());
        writeSafetensors((dir / kWeightsFile).string(),
                         {TensorData::fromInts("graph.item_user_offsets", {items + 1}, offsets),
                          TensorData::fromInts("graph.item_users", {static_cast<int64_t>(users.size())}, users),
                          TensorData::fromInts("graph.popularity", {items}, m_graph->popularity)},
                         {{"format", "pt"}, {"tokenbench_id", kGraphRqVaeId}, {"users", std::to_string(m_graph->users)}});
        json config;
        config["id"] = kGraphRqVaeId;
        config["version"] = kVersion;
        config["config"] = json::parse(m_configJson);
        config["levels"] = levels();
        config["codebook_size"] = codebookSize();
        config["input_dim"] = m_inputDim;
        writeJsonFile((dir / kConfigFile).string(), config);
        m_quantizer->save((dir / kQuantizerFolder).string());
    }

    void loadState(const std::string& directory) override {
        const std::filesystem::path dir(directory);
        const std::string configPath = (dir / kConfigFile).string();
        const std::string weightsPath = (dir / kWeightsFile).string();
        const json config = readJsonFile(configPath);
        int64_t inputDim = 0;
        try {
            if (config.at("id").get<std::string>() != kGraphRqVaeId)
                throw DataError(configPath, "written by '" + config.at("id").get<std::string>() + "', not '" +
                                                std::string(kGraphRqVaeId) + "'");
            inputDim = config.at("input_dim").get<int64_t>();
        } catch (const json::exception& e) {
            throw DataError(configPath, std::string("missing or malformed field: ") + e.what());
        }
        std::map<std::string, std::string> metadata;
        std::map<std::string, TensorData> tensors;
        for (auto& tensor : readSafetensors(weightsPath, &metadata)) tensors.emplace(tensor.name, std::move(tensor));
        const std::vector<int32_t> offsets = intValues(weightsPath, tensors, "graph.item_user_offsets");
        const std::vector<int32_t> users = intValues(weightsPath, tensors, "graph.item_users");
        InteractionGraph graph;
        graph.popularity = intValues(weightsPath, tensors, "graph.popularity");
        if (offsets.size() != graph.popularity.size() + 1 || offsets.front() != 0 ||
            offsets.back() != static_cast<int32_t>(users.size()))
            throw DataError(weightsPath, "graph tensors do not fit together");
        try {
            graph.users = std::stoll(metadata.at("users"));
        } catch (const std::exception&) {
            throw DataError(weightsPath, "metadata 'users' missing or not a number");
        }
        for (size_t i = 0; i + 1 < offsets.size(); ++i) {
            if (offsets[i + 1] < offsets[i]) throw DataError(weightsPath, "graph offsets decrease");
            graph.usersOfItem.emplace_back(users.begin() + offsets[i], users.begin() + offsets[i + 1]);
            for (const int32_t u : graph.usersOfItem.back())
                if (u < 0 || u >= graph.users) throw DataError(weightsPath, "graph user index out of range");
        }
        m_quantizer->loadState((dir / kQuantizerFolder).string());
        m_graph = std::move(graph);
        m_inputDim = inputDim;
    }

private:
    void requireFitted(const char* what) const {
        if (!m_graph) throw std::logic_error(std::string(kGraphRqVaeId) + ": " + what + " before fit() or loadState()");
    }
    /// Training popularity of each row: the graph's counts for the catalogue, none for other rows.
    [[nodiscard]] std::vector<int32_t> popularityOf(int64_t rows) const {
        if (rows == static_cast<int64_t>(m_graph->popularity.size())) return m_graph->popularity;
        return std::vector<int32_t>(static_cast<size_t>(rows), 0);
    }

    std::string m_configJson;
    PropagationOptions m_options;
    bool m_popularityToken = true;
    std::unique_ptr<Tokenizer> m_quantizer;
    std::optional<InteractionGraph> m_graph;  ///< set by fit() / loadState()
    int64_t m_inputDim = 0;
};

}  // namespace

ComponentInfo graphRqVaeInfo() {
    ComponentInfo info = tokenizerInfo(
        kGraphRqVaeId, kVersion, "Graph RQ-VAE (MMGRec)",
        "Item features propagated over the training user-item graph (LightGCN normalisation, mixed with the "
        "content), then the RQ-VAE; an optional popularity-ordered last token makes every ID unique.");
    info.params = graphParams();
    for (const ParamSpec& spec : rqVaeInfo().params) info.params.push_back(spec);
    return info;
}

std::unique_ptr<Tokenizer> makeGraphRqVae(const std::string& configJson) {
    return std::make_unique<GraphRqVaeTokenizer>(configJson);
}

}  // namespace tokenbench::core
