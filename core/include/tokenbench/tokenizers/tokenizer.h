#pragma once
/// The tokenizer interface: learns codebooks from item features (and, when it wants them, the
/// training interactions) and maps items to semantic IDs.
/// Implementations are registered in tokenizer_registry.cpp; the UI and CLI find them through the
/// Registry's ComponentInfo (id, version, parameter schema) and never name one.
///
/// Threads: fit() runs on a job's worker thread; its callbacks are called on that thread and must not
/// block. encode()/save() may be called from any one thread after fit() or load().

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "tokenbench/data/dataset.h"
#include "tokenbench/data/split.h"
#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

class Registry;

/// The training side of a data set as a tokenizer may see it: the catalogue and, per user, only the
/// interactions of the split's training part. No validation or test item is in it, so a graph or
/// collaborative tokenizer cannot leak evaluation targets into its IDs. Plain data; any thread.
struct TrainingInteractions final {
    const std::vector<ItemInfo>* items = nullptr;  ///< the catalogue (dense index -> raw id, text, attributes)
    std::vector<std::vector<int32_t>> sequences;   ///< per user: training items, oldest first
};

/// The training interactions of `split` over `dataset` (items [0, trainEnd) of every user); the
/// catalogue points into `dataset`, which must outlive the result. Pure; any thread.
[[nodiscard]] TrainingInteractions trainingInteractions(const Dataset& dataset, const DataSplit& split);

/// The IDs another tokenizer run made, as a method built on other runs (composite) reads them.
struct StoredTokenizerIds final {
    SemanticIds ids;            ///< the tokenizer's own levels (no collision level), one row per catalogue item
    int32_t codebookSize = 0;
    std::string method;         ///< registry id of the run's tokenizer
};

/// What fit() learns from besides the features, where it reports and what it honours.
struct FitContext final {
    /// The data set's training interactions; null when the caller has none (a bare feature matrix).
    const TrainingInteractions* interactions = nullptr;
    uint64_t seed = 0;
    std::string device = "cpu";             ///< "cpu", "cuda", "cuda:1"
    const std::atomic<bool>* cancel = nullptr;  ///< checked between batches / iterations (throw CancelledError)
    /// Progress: fraction of the whole fit in [0, 1], a phase label ("level 2/3", "epoch 14/100").
    std::function<void(double fraction, const std::string& phase)> progress;
    /// Scalar training metrics at a step ("loss", "loss/reconstruction", "loss/commitment"...).
    std::function<void(int64_t step, int64_t epoch, const std::map<std::string, double>& values)> metrics;
    /// Current assignment of every item (levels fitted so far) and the mean squared reconstruction
    /// error (NaN when not defined), every `healthInterval` steps and at the end; the job turns it into
    /// utilization, perplexity, dead codes, collision rate and codebook snapshots.
    std::function<void(int64_t step, const SemanticIds& codes, double reconstructionError)> health;
    int64_t healthInterval = 0;  ///< steps between health reports; 0 = the tokenizer's own default
    /// The IDs of a completed tokenizer run on the same data set, for methods built on other runs;
    /// throws std::invalid_argument naming the run when there is no such run. Empty when the caller
    /// has no store. Called on the fit thread.
    std::function<StoredTokenizerIds(int64_t runId)> tokenizerRunIds;
    /// The item embedding table of a trained model run on the same data set (items x dim, dense item
    /// order; the `model-embeddings` feature path), for methods aligned with collaborative signal;
    /// throws std::invalid_argument naming the run when it has none. Empty when the caller has no
    /// store. Called on the fit thread.
    std::function<FeatureMatrix(int64_t runId)> modelItemEmbeddings;
};

/// See file comment.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;
    /// Registry id ("rq-kmeans").
    [[nodiscard]] virtual std::string id() const = 0;
    [[nodiscard]] virtual int32_t levels() const = 0;
    [[nodiscard]] virtual int32_t codebookSize() const = 0;
    /// The leading levels that are learned codebooks; the rest (a popularity-ordered last token) only
    /// tell items apart. Codebook health and the collision rate before resolution are computed over
    /// these levels. Default: every level.
    [[nodiscard]] virtual int32_t codebookLevels() const { return levels(); }
    /// Learns from `features` (items x d; empty for a method whose ComponentInfo has needsFeatures
    /// false) and context.interactions when the method uses them. Deterministic for a seed (and thread count) on CPU. Throws
    /// CancelledError when cancelled, std::invalid_argument for unusable input (too few items, NaN).
    virtual void fit(const FeatureMatrix& features, const FitContext& context) = 0;
    /// Semantic IDs for `features` rows (training items or new, cold items with the same columns).
    [[nodiscard]] virtual SemanticIds encode(const FeatureMatrix& features) const = 0;
    /// items x codebookSize squared distances between each item's last-level residual and the
    /// last-level codewords, for re-assigning colliding items to their nearest free code. Empty when
    /// the method has no geometry (random, import).
    [[nodiscard]] virtual FeatureMatrix lastLevelDistances(const FeatureMatrix& features) const = 0;
    /// Writes `weights.safetensors` and `config.json` into `directory` (created when missing).
    /// config.json: {"id", "version", "config": {validated params}, "levels", "codebook_size", "input_dim"}.
    virtual void save(const std::string& directory) const = 0;
    /// Restores the learned state written by save() into a tokenizer created with the same config.
    /// Throws DataError naming the file when weights are missing or do not fit the config.
    virtual void loadState(const std::string& directory) = 0;
};

/// Adds every built-in tokenizer's ComponentInfo (kind Tokenizer) to `registry`.
void registerTokenizers(Registry& registry);

/// Creates an untrained tokenizer from a config validated against its schema (validateConfig).
/// Throws ConfigError for an unknown id.
[[nodiscard]] std::unique_ptr<Tokenizer> createTokenizer(const std::string& id, const std::string& configJson);

/// Re-creates a saved tokenizer from `directory` (its config.json names the id).
[[nodiscard]] std::unique_ptr<Tokenizer> loadTokenizer(const std::string& directory);

}  // namespace tokenbench::core
