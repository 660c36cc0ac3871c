// buildFeatures: spec validation, one featurizer per kind, and weighted concatenation of blocks.
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tokenbench/cancellation.h"

namespace tokenbench::core {

namespace {

std::string knownKinds() {
    std::string out;
    for (const std::string& kind : featureKinds()) out += (out.empty() ? "" : ", ") + kind;
    return out;
}

void validate(const FeatureSpec& spec) {
    if (spec.kinds.empty())
        throw std::invalid_argument("features: no kind chosen (expected one or more of " + knownKinds() + ")");
    std::set<std::string> seen;
    bool needsRank = false;
    for (const std::string& kind : spec.kinds) {
        const auto& kinds = featureKinds();
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
            throw std::invalid_argument("features: unknown kind '" + kind + "' (known kinds: " + knownKinds() + ")");
        if (!seen.insert(kind).second) throw std::invalid_argument("features: kind '" + kind + "' is listed twice");
        needsRank =
            needsRank || kind == "text" || kind == "cooccurrence" || (kind == "attributes" && spec.attributesSvd);
        if (kind == "text-encoder" && spec.textEncoderDir.empty())
            throw std::invalid_argument(
                "features: kind 'text-encoder' needs a model folder (--model-dir DIR: a sentence-transformers folder)");
        if (kind == "embeddings" && spec.embeddingsPath.empty())
            throw std::invalid_argument("features: kind 'embeddings' needs an embeddings file");
        if (kind == "model-embeddings" && spec.modelRunId <= 0)
            throw std::invalid_argument(
                "features: kind 'model-embeddings' needs a model run (--run RUN_ID of `features build`, "
                "or \"run\" in an experiment file; `runs list` shows them)");
    }
    if (spec.modelRunId > 0 && !seen.count("model-embeddings"))
        throw std::invalid_argument("features: a model run (" + std::to_string(spec.modelRunId) +
                                    ") is only read by kind 'model-embeddings', which is not chosen");
    if (needsRank && spec.dim <= 0)
        throw std::invalid_argument("features: dim must be > 0 (got " + std::to_string(spec.dim) + ")");
    if (spec.svdOversample < 0) throw std::invalid_argument("features: svdOversample must be >= 0");
    if (spec.svdPowerIterations < 0) throw std::invalid_argument("features: svdPowerIterations must be >= 0");
    if (spec.window < 1) throw std::invalid_argument("features: window must be >= 1");
    if (!spec.weights.empty() && spec.weights.size() != spec.kinds.size())
        throw std::invalid_argument("features: " + std::to_string(spec.weights.size()) + " weights for " +
                                    std::to_string(spec.kinds.size()) + " kinds");
    for (double w : spec.weights) {
        if (!std::isfinite(w) || w < 0) throw std::invalid_argument("features: weights must be finite and >= 0");
    }
}

void checkCancel(const FeatureProgress& progress) {
    throwIfCancelled(progress.cancel);
}

void report(const FeatureProgress& progress, double fraction, const std::string& message) {
    if (progress.report) progress.report(fraction, message);
}

FeatureMatrix buildOne(const Dataset& dataset, const DataSplit& split, const FeatureSpec& spec, const std::string& kind,
                       const FeatureProgress& progress, double at, double share, const FeatureSources& sources) {
    if (kind == "text") return textFeatures(dataset, spec);
    if (kind == "text-encoder") {
        // The encoder reports within this block's share of the whole build.
        FeatureProgress inner;
        inner.cancel = progress.cancel;
        if (progress.report)
            inner.report = [&progress, at, share](double f, const std::string& m) { progress.report(at + f * share, m); };
        return textEncoderFeatures(dataset, spec, inner);
    }
    if (kind == "attributes") return attributeFeatures(dataset, spec);
    if (kind == "cooccurrence") return cooccurrenceFeatures(dataset, split, spec);
    if (kind == "model-embeddings") {
        if (!sources.modelEmbeddings)
            throw std::invalid_argument(
                "features: kind 'model-embeddings' cannot be built here (no access to model runs)");
        return sources.modelEmbeddings(spec.modelRunId);
    }
    EmbeddingImportReport summary;
    FeatureMatrix m = importedEmbeddings(dataset, spec, &summary);
    if (summary.unknownIds > 0)
        report(progress, at,
               "embeddings: ignored " + std::to_string(summary.unknownIds) + " of " + std::to_string(summary.fileRows) +
                   " rows whose id is no item (e.g. '" + summary.firstUnknownId + "')");
    return m;
}

}  // namespace

const std::vector<std::string>& featureKinds() {
    static const std::vector<std::string> kKinds = {"text",       "text-encoder",    "attributes", "cooccurrence",
                                                    "embeddings", "model-embeddings"};
    return kKinds;
}

FeatureMatrix buildFeatures(const Dataset& dataset, const DataSplit& split, const FeatureSpec& spec,
                            const FeatureProgress& progress, const FeatureSources& sources) {
    validate(spec);
    const auto blocks = static_cast<double>(spec.kinds.size());
    const auto items = static_cast<int64_t>(dataset.items.size());
    FeatureMatrix out;
    out.rows = items;
    std::vector<FeatureMatrix> parts;
    for (size_t b = 0; b < spec.kinds.size(); ++b) {
        checkCancel(progress);
        const std::string& kind = spec.kinds[b];
        report(progress, static_cast<double>(b) / blocks, kind + " features");
        FeatureMatrix part = buildOne(dataset, split, spec, kind, progress, static_cast<double>(b) / blocks, 1.0 / blocks, sources);
        if (part.rows != items)
            throw std::logic_error(kind + " features have " + std::to_string(part.rows) + " rows for " +
                                   std::to_string(items) + " items");
        if (spec.kinds.size() > 1) {
            // Unit rows first, so a block's weight alone sets its share of a cosine / L2 distance.
            normalizeRows(part);
            const double weight = spec.weights.empty() ? 1.0 : spec.weights[b];
            if (weight != 1.0) {
                for (float& v : part.values) v = static_cast<float>(v * weight);
            }
        }
        out.dim += part.dim;
        parts.push_back(std::move(part));
    }
    checkCancel(progress);
    if (parts.size() == 1) {
        out = std::move(parts.front());
    } else {
        out.values.assign(static_cast<size_t>(out.rows * out.dim), 0.0f);
        int64_t offset = 0;
        for (const FeatureMatrix& part : parts) {
            for (int64_t i = 0; i < items; ++i) std::copy_n(part.row(i), part.dim, out.row(i) + offset);
            offset += part.dim;
        }
    }
    report(progress, 1.0, "features done: " + std::to_string(out.rows) + " x " + std::to_string(out.dim));
    return out;
}

}  // namespace tokenbench::core
