#pragma once
/// The recommender interface the training engine drives: prepare, train an epoch, score users over
/// the whole catalogue, save/load (model + optimizer), expose attention. Implementations are listed
/// in one registry table (models/src) and described by a parameter schema, like tokenizers.
///
/// Threads: every method is called on the job's worker thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/data/split.h"
#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/models/attention_map.h"
#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

class Registry;
class DataParallelGroup;

/// What a model trains and is evaluated on. Pointers stay valid for the model's lifetime.
struct TrainingData final {
    const Dataset* dataset = nullptr;
    const DataSplit* split = nullptr;
    const SemanticIds* semanticIds = nullptr;  ///< generative models only
};

/// Which history a score uses: validation targets see the training history; test targets see
/// training + validation items (leave-one-out protocol).
enum class EvalPhase { Valid, Test };

/// What one epoch did.
struct EpochReport final {
    double loss = 0.0;     ///< mean training loss over the epoch's batches
    int64_t steps = 0;
    int64_t samples = 0;   ///< training sequences (users) seen
};

/// See file comment.
class Recommender {
public:
    virtual ~Recommender() = default;
    [[nodiscard]] virtual std::string id() const = 0;
    /// Builds modules and optimizer for `data` on `device` ("cpu", "cuda"), seeded.
    virtual void prepare(const TrainingData& data, uint64_t seed, const std::string& device) = 0;
    /// One pass over the training samples. `onStep(step, loss)` after every batch; throws
    /// CancelledError when `cancel` is set (checked between batches).
    virtual EpochReport trainEpoch(const std::function<void(int64_t step, double loss)>& onStep,
                                   const std::atomic<bool>* cancel) = 0;
    /// Trains as one replica of a data-parallel group from here on (after prepare() and any load()):
    /// rank 0's weights are copied to every rank, and each step the ranks sum the gradients of their
    /// shares of the batch. Models without gradient training throw std::invalid_argument.
    virtual void setDataParallel(std::shared_ptr<DataParallelGroup> group) {
        (void)group;
        throw std::invalid_argument(id() + " does not train data-parallel (it has no gradient steps)");
    }
    /// Steps (batches) of the running epoch, or of the last one between epochs; 0 when unknown. The
    /// engine estimates a first epoch's time from it before the epoch ends.
    [[nodiscard]] virtual int64_t epochSteps() const { return 0; }
    /// Scores of every item for each of `users` (users.size() x items, row-major, higher = better)
    /// from the history the phase allows.
    virtual void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) = 0;
    /// Generative models rank by a list (e.g. a constrained beam) rather than a score per item; they
    /// return true and implement rankUsers. The engine then evaluates with addRankedLists.
    [[nodiscard]] virtual bool ranksByList() const { return false; }
    /// The best `count` items per user, best first, from the history the phase allows. Only models
    /// whose ranksByList() is true implement it.
    virtual void rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                           std::vector<std::vector<int32_t>>& out) {
        (void)users, (void)phase, (void)count, (void)out;
        throw std::logic_error(id() + " scores items; it does not rank by list");
    }
    /// Generative models that can score every item by the log-likelihood of its whole ID (teacher
    /// forcing through their prefix trie: the exact ranking their beam search approximates) return
    /// true and implement exactScoreUsers. Costly: `eval --exact` runs it on a sample of users.
    [[nodiscard]] virtual bool scoresExactly() const { return false; }
    /// As scoreUsers, from the exact ID log-likelihoods; items that share an ID get its score, each
    /// next one in ascending id one float step lower (the order the model's ranked lists use).
    virtual void exactScoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
        (void)users, (void)phase, (void)out;
        throw std::logic_error(id() + " has no exact ranking");
    }
    /// Figures of the evaluation calls since the last call of this method, reset on reading (e.g.
    /// "invalid_id_rate" of a beam search). Reported next to the ranking metrics.
    [[nodiscard]] virtual std::map<std::string, double> takeEvalStats() { return {}; }
    /// Model and optimizer state, for checkpoints and exact resume.
    virtual void save(const std::string& path) const = 0;
    virtual void load(const std::string& path) = 0;
    /// Writes `dir`/weights.safetensors (every parameter and buffer by its module path, float32) and
    /// `dir`/config.json (model id, config, sizes, layout notes) that Python can load without Tokenbench.
    virtual void exportModel(const std::string& dir) const = 0;
    /// Attention weights (one map per layer and head) for a history of dense item ids, most recent last.
    [[nodiscard]] virtual std::vector<AttentionMap> attention(const std::vector<int32_t>& history) = 0;
    /// The learned item embedding table, one row per dense item in dense item order (items x dim
    /// floats; padding, [MASK] and other special rows left out): what the `model-embeddings` feature
    /// kind turns into semantic IDs. Models without a table of one vector per item (popularity; TIGER,
    /// which embeds semantic ID tokens) keep this default, an empty matrix (rows == 0).
    [[nodiscard]] virtual FeatureMatrix itemEmbeddings() const { return {}; }
};

/// Adds every built-in model's ComponentInfo (kind Model) to `registry`.
void registerModels(Registry& registry);

/// Creates a model from a config validated against its schema. Throws ConfigError for an unknown id.
[[nodiscard]] std::unique_ptr<Recommender> createModel(const std::string& id, const std::string& configJson);

}  // namespace tokenbench::core
