#pragma once
// Private: the part every torch recommender shares, so a model is only what differs. A trainer owns
// the loop; a model owns its batches and its loss.
//
// TorchRecommender implements the public Recommender interface around four things a model supplies:
// its training samples (prepareData), its network (buildNetwork), its optimizer (buildOptimizer)
// and, per epoch, its batches (epochBatches) and each batch's loss (batchLoss); plus scoring,
// attention and what its checkpoints and exports record. The base holds the data, the device, the
// epoch and step counters and the network and optimizer, and implements prepare, trainEpoch (random
// streams from (seed, epoch), cancellation between batches, zero_grad / backward / step with the
// optimizer's learning-rate schedule, loss bookkeeping, onStep, EpochReport), save / load (model +
// optimizer + counters, checked against the model's sizes) and exportModel.
//
// Determinism: everything random in an epoch comes from EpochRandom, derived from (run seed, epoch)
// alone, so a checkpoint (network, optimizer state, counters) resumes exactly.
//
// Threads: like Recommender, every method is called on the job's worker thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/module.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>

#include "common/device.h"
#include "common/seeded_random.h"
#include "models/model_checkpoint.h"
#include "models/train_optimizer.h"
#include "tokenbench/models/recommender.h"

namespace tokenbench::core {

/// The random streams of one training epoch, derived from (run seed, epoch) alone.
struct EpochRandom final {
    uint64_t state = 0;       ///< splitmix64 stream: shuffles, negatives, masks
    at::Generator generator;  ///< torch's stream: dropout masks

    /// The next 64 random bits of `state`.
    uint64_t next() { return splitmix64(state); }
    /// Uniform in [0, 1).
    double uniform() { return uniform01(state); }
    /// Fisher-Yates shuffle of `values` from `state`.
    template <typename T>
    void shuffle(std::vector<T>& values) {
        for (size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[next() % i]);
    }
};

/// The epoch's streams: state = splitmix64(seed ^ (salt + epoch * golden ratio)), and a CPU
/// generator seeded with the same value. `salt` tells the models apart.
[[nodiscard]] EpochRandom epochRandom(uint64_t seed, uint64_t salt, int64_t epoch);

/// Evaluation mode while it lives: no autograd, the network in eval mode (no dropout); restores
/// the network's training mode when it goes out of scope.
class EvalScope final {
public:
    explicit EvalScope(torch::nn::Module& network) : m_network(network), m_wasTraining(network.is_training()) {
        m_network.eval();
    }
    ~EvalScope() {
        if (m_wasTraining) m_network.train();
    }
    EvalScope(const EvalScope&) = delete;
    EvalScope& operator=(const EvalScope&) = delete;

private:
    torch::NoGradGuard m_noGrad;  // grad mode is per thread: guard here, whoever calls
    torch::nn::Module& m_network;
    bool m_wasTraining;
};

/// The "shape" header entry of a checkpoint: the model's `sizes`, named by `names` in the error
/// ("checkpoint was saved with other sizes (<names>)").
[[nodiscard]] CheckpointMatch sizesMatch(const std::vector<int64_t>& sizes, const std::string& names);

/// A user's history for an evaluation phase: `length` dense item ids from `begin`, oldest first.
struct HistoryWindow final {
    const int32_t* begin = nullptr;
    int64_t length = 0;
};

/// See file comment.
class TorchRecommender : public Recommender {
public:
    [[nodiscard]] std::string id() const final { return m_id; }
    void prepare(const TrainingData& data, uint64_t seed, const std::string& device) final;
    EpochReport trainEpoch(const std::function<void(int64_t step, double loss)>& onStep,
                           const std::atomic<bool>* cancel) final;
    [[nodiscard]] int64_t epochSteps() const final { return m_epochSteps; }
    void save(const std::string& path) const final;
    void load(const std::string& path) final;
    void exportModel(const std::string& dir) const final;
    void setDataParallel(std::shared_ptr<DataParallelGroup> group) final;

protected:
    /// `id` names the model in errors and checkpoints; `configJson` is the validated config (for
    /// exports); `epochSalt` makes its epoch streams its own; `checkpointFormat` is bumped when the
    /// checkpoint layout changes.
    TorchRecommender(std::string id, std::string configJson, uint64_t epochSalt, int64_t checkpointFormat);

    // --- What a model supplies -------------------------------------------------------------------
    /// Checks `data` beyond what every model needs (a data set, its split, items). Throws
    /// std::invalid_argument.
    virtual void checkData(const TrainingData& data) const { (void)data; }
    /// Builds the training samples (and anything else derived from data()); called by prepare().
    virtual void prepareData() = 0;
    /// The network, initialised from `init` (the run seed's generator), on the CPU; the base moves
    /// it to device() and into training mode.
    virtual std::shared_ptr<torch::nn::Module> buildNetwork(at::Generator& init) = 0;
    /// The optimizer over `parameters` (already on device()).
    virtual std::unique_ptr<TrainOptimizer> buildOptimizer(std::vector<at::Tensor> parameters) = 0;
    /// This epoch's batches, as indexes into the model's samples, in training order.
    virtual std::vector<std::vector<size_t>> epochBatches(EpochRandom& random) = 0;
    /// The (scalar, mean) loss of one batch, built with the network in training mode and grad enabled.
    /// With batchShards() > 1 it is called for parts of a batch, concurrently from several threads.
    virtual at::Tensor batchLoss(const std::vector<size_t>& batch, EpochRandom& random) = 0;
    /// Parts each batch is split into (batch_shards.h): each part gets its own random stream and,
    /// on the CPU with several intra-op threads, its own single-threaded thread; their gradients are
    /// summed in order, weighted by part size. 1: the whole batch at once (the default). A model
    /// returning more must make batchLoss safe to call concurrently.
    [[nodiscard]] virtual int64_t batchShards() const { return 1; }
    /// Header tensors a checkpoint must match (the model's sizes...).
    [[nodiscard]] virtual std::vector<CheckpointMatch> checkpointMatches() const = 0;
    /// Fields config.json of an export gets besides model, config, items and epochs_trained
    /// ("layout", ...).
    [[nodiscard]] virtual nlohmann::json exportInfo() const = 0;

    // --- What the base gives it ------------------------------------------------------------------
    /// Throws std::logic_error "<id>: <what> before prepare()" until prepare() ran.
    void requirePrepared(const char* what) const;
    [[nodiscard]] const TrainingData& data() const { return m_data; }
    [[nodiscard]] const Dataset& dataset() const { return *m_data.dataset; }
    [[nodiscard]] const at::Device& device() const { return m_device; }
    [[nodiscard]] int64_t items() const { return m_items; }
    /// Completed epochs (during trainEpoch: the index of the running epoch).
    [[nodiscard]] int64_t epoch() const { return m_epoch; }
    /// The network built by buildNetwork().
    [[nodiscard]] torch::nn::Module& network() const { return *m_network; }
    /// 0 .. count - 1 in an order shuffled from `random`.
    [[nodiscard]] static std::vector<size_t> shuffledOrder(size_t count, EpochRandom& random);
    /// `order` cut into consecutive batches of `batchSize` (at least 1; the last may be smaller).
    [[nodiscard]] static std::vector<std::vector<size_t>> cutBatches(const std::vector<size_t>& order,
                                                                     int64_t batchSize);
    /// Length-bucketed batches: `order` cut into pools of `poolBatches` batches, each pool stably
    /// sorted by `length` (equal lengths keep their shuffled order) and cut into batches, then the
    /// batch order shuffled from `random`: batches of similar length, so little padding.
    [[nodiscard]] static std::vector<std::vector<size_t>> bucketedBatches(std::vector<size_t> order,
                                                                          const std::function<size_t(size_t)>& length,
                                                                          int64_t batchSize, int64_t poolBatches,
                                                                          EpochRandom& random);
    /// `values` as an int64 tensor of `sizes` on device() (a copy).
    [[nodiscard]] at::Tensor longTensor(std::vector<int64_t>& values, at::IntArrayRef sizes) const;
    /// The last `keep` items (at most) of `user`'s history that `phase` allows. Throws
    /// std::out_of_range for an unknown user.
    [[nodiscard]] HistoryWindow historyOf(int32_t user, EvalPhase phase, int64_t keep) const;
    /// The last `keep` items (at most) of an attention request's `history`. Throws
    /// std::out_of_range for an item outside the catalogue.
    [[nodiscard]] std::vector<int32_t> recentItems(const std::vector<int32_t>& history, int64_t keep) const;
    /// The Item position of dense item `item`, labelled with its raw id.
    [[nodiscard]] AttentionPosition itemPosition(int32_t item) const;
    /// Rows 1..items() of an id embedding table whose row i + 1 is dense item i (row 0 padding, any
    /// later rows such as [MASK] left out), copied to CPU floats: itemEmbeddings() of such a model.
    [[nodiscard]] FeatureMatrix itemTableRows(const at::Tensor& table) const;

private:
    std::string m_id;
    std::string m_configJson;
    uint64_t m_epochSalt;
    int64_t m_checkpointFormat;
    TrainingData m_data;
    uint64_t m_seed = 0;
    at::Device m_device = at::kCPU;
    int64_t m_items = 0;
    std::shared_ptr<torch::nn::Module> m_network;
    std::unique_ptr<TrainOptimizer> m_optimizer;
    int64_t m_epoch = 0;  ///< completed epochs
    int64_t m_steps = 0;  ///< optimizer steps so far
    int64_t m_epochSteps = 0;  ///< batches of the running (or last) epoch
    std::shared_ptr<DataParallelGroup> m_parallel;  ///< set: this process is one rank of a group

    /// One optimizer step over `batch` split into `shards` parts (see batchShards()); its loss.
    double shardedStep(const std::vector<size_t>& batch, int64_t shards, int threads, EpochRandom& random,
                       const std::vector<at::Tensor>& parameters);
    /// One optimizer step as a rank of m_parallel: this rank's share of `batch` (the same split and
    /// random streams as shardedStep with one shard per rank), gradients summed over the group; the
    /// whole batch's loss.
    double parallelStep(const std::vector<size_t>& batch, EpochRandom& random,
                        const std::vector<at::Tensor>& parameters);
};

}  // namespace tokenbench::core
