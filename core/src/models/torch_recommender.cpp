#include "models/torch_recommender.h"

#include <algorithm>
#include <stdexcept>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include "models/batch_shards.h"
#include "models/module_export.h"
#include "models/sequence_tensors.h"
#include "tokenbench/cancellation.h"
#include "training/process_group.h"

namespace tokenbench::core {

EpochRandom epochRandom(uint64_t seed, uint64_t salt, int64_t epoch) {
    uint64_t mix = seed ^ (salt + static_cast<uint64_t>(epoch) * 0x9e3779b97f4a7c15ULL);
    const uint64_t epochSeed = splitmix64(mix);
    return {epochSeed, at::detail::createCPUGenerator(epochSeed)};
}

CheckpointMatch sizesMatch(const std::vector<int64_t>& sizes, const std::string& names) {
    return {"shape", at::tensor(sizes, at::kLong), "checkpoint was saved with other sizes (" + names + ")"};
}

namespace {

/// wrapOptimizer's adapter.
class TorchOptimizer final : public TrainOptimizer {
public:
    explicit TorchOptimizer(std::unique_ptr<torch::optim::Optimizer> optimizer) : m_optimizer(std::move(optimizer)) {}
    void zeroGrad() override { m_optimizer->zero_grad(); }
    void save(torch::serialize::OutputArchive& archive) const override { m_optimizer->save(archive); }
    void load(torch::serialize::InputArchive& archive) override { m_optimizer->load(archive); }

protected:
    void update() override { m_optimizer->step(); }
    void setLearningRate(double rate) override {
        for (auto& group : m_optimizer->param_groups()) group.options().set_lr(rate);
    }

private:
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
};

}  // namespace

std::unique_ptr<TrainOptimizer> wrapOptimizer(std::unique_ptr<torch::optim::Optimizer> optimizer) {
    return std::make_unique<TorchOptimizer>(std::move(optimizer));
}

TorchRecommender::TorchRecommender(std::string id, std::string configJson, uint64_t epochSalt, int64_t checkpointFormat)
    : m_id(std::move(id)),
      m_configJson(std::move(configJson)),
      m_epochSalt(epochSalt),
      m_checkpointFormat(checkpointFormat) {}

void TorchRecommender::requirePrepared(const char* what) const {
    if (!m_network) throw std::logic_error(m_id + ": " + what + " before prepare()");
}

void TorchRecommender::prepare(const TrainingData& data, uint64_t seed, const std::string& device) {
    if (!data.dataset || !data.split) throw std::invalid_argument(m_id + ": no data set or split");
    if (data.split->users.size() != data.dataset->users.size())
        throw std::invalid_argument(m_id + ": the split does not belong to the data set");
    if (data.dataset->items.empty()) throw std::invalid_argument(m_id + ": the data set has no items");
    checkData(data);
    m_data = data;
    m_seed = seed;
    m_device = parseDevice(device, m_id);
    m_items = static_cast<int64_t>(data.dataset->items.size());
    m_network.reset();
    m_optimizer.reset();
    prepareData();

    at::Generator init = at::detail::createCPUGenerator(seed);
    std::shared_ptr<torch::nn::Module> network = buildNetwork(init);
    network->to(m_device);
    network->train();
    m_optimizer = buildOptimizer(network->parameters());
    m_network = std::move(network);
    m_epoch = 0;
    m_steps = 0;
}

EpochReport TorchRecommender::trainEpoch(const std::function<void(int64_t, double)>& onStep,
                                         const std::atomic<bool>* cancel) {
    requirePrepared("trainEpoch()");
    torch::AutoGradMode enableGrad(true);
    m_network->train();
    // Everything random in this epoch derives from (seed, epoch): resuming from a checkpoint replays it.
    EpochRandom random = epochRandom(m_seed, m_epochSalt, m_epoch);
    const std::vector<std::vector<size_t>> batches = epochBatches(random);
    m_epochSteps = static_cast<int64_t>(batches.size());
    // Sharded batches run one single-threaded shard per intra-op thread (CPU only).
    // A data-parallel rank computes one shard per rank instead (parallelStep).
    const int64_t shards = m_parallel ? 1 : batchShards();
    const int threads = m_device.is_cpu() ? at::get_num_threads() : 1;
    std::vector<at::Tensor> trainable;
    if (shards > 1 || m_parallel)
        for (const at::Tensor& parameter : m_network->parameters())
            if (parameter.requires_grad()) trainable.push_back(parameter);
    const SingleThreadedCompute singleThreaded(shards > 1 && threads > 1);

    EpochReport report;
    double lossSum = 0.0;
    for (const std::vector<size_t>& batch : batches) {
        // Ranks leave an epoch together: one rank's cancel or budget stops all at the same step.
        if (m_parallel) {
            if (m_parallel->anyStops(cancel != nullptr && cancel->load())) throw CancelledError();
        } else {
            throwIfCancelled(cancel);
        }
        double value = 0.0;
        if (m_parallel) {
            value = parallelStep(batch, random, trainable);
        } else if (shards > 1) {
            value = shardedStep(batch, shards, threads, random, trainable);
        } else {
            const at::Tensor loss = batchLoss(batch, random);
            m_optimizer->zeroGrad();
            loss.backward();
            m_optimizer->step(m_steps + 1);
            value = loss.item<double>();
        }
        ++m_steps;
        lossSum += value;
        ++report.steps;
        report.samples += static_cast<int64_t>(batch.size());
        if (onStep) onStep(m_steps, value);
    }
    report.loss = report.steps > 0 ? lossSum / static_cast<double>(report.steps) : 0.0;
    ++m_epoch;
    return report;
}

double TorchRecommender::shardedStep(const std::vector<size_t>& batch, int64_t shards, int threads,
                                     EpochRandom& random, const std::vector<at::Tensor>& parameters) {
    // Each shard's streams derive from one draw of the epoch's stream, so the result is the same
    // whichever thread computes which shard.
    const uint64_t batchSeed = random.next();
    const std::vector<std::vector<size_t>> parts = splitBatch(batch, shards);
    const double total = static_cast<double>(batch.size());
    const double loss = accumulateShardGradients(
        static_cast<int64_t>(parts.size()), threads, parameters, [&](int64_t s) {
            EpochRandom shardRandom = epochRandom(batchSeed, 0, s + 1);
            const std::vector<size_t>& part = parts[static_cast<size_t>(s)];
            return batchLoss(part, shardRandom) * (static_cast<double>(part.size()) / total);
        });
    m_optimizer->step(m_steps + 1);
    return loss;
}

double TorchRecommender::parallelStep(const std::vector<size_t>& batch, EpochRandom& random,
                                      const std::vector<at::Tensor>& parameters) {
    const uint64_t batchSeed = random.next();
    const int rank = m_parallel->rank();
    const std::vector<std::vector<size_t>> parts = splitBatch(batch, m_parallel->worldSize());
    m_optimizer->zeroGrad();
    at::Tensor loss = at::zeros({1}, at::TensorOptions().dtype(at::kDouble).device(m_device));
    // A batch smaller than the group leaves some ranks without a share: they send zero gradients.
    if (rank < static_cast<int>(parts.size())) {
        const std::vector<size_t>& part = parts[static_cast<size_t>(rank)];
        EpochRandom shardRandom = epochRandom(batchSeed, 0, rank + 1);
        const at::Tensor partLoss =
            batchLoss(part, shardRandom) * (static_cast<double>(part.size()) / static_cast<double>(batch.size()));
        partLoss.backward();
        loss += partLoss.detach().to(at::kDouble);
    }
    std::vector<at::Tensor> gradients;
    gradients.reserve(parameters.size() + 1);
    for (const at::Tensor& parameter : parameters) {
        if (!parameter.grad().defined()) const_cast<at::Tensor&>(parameter).mutable_grad() = at::zeros_like(parameter);
        gradients.push_back(parameter.grad());
    }
    m_parallel->sumInPlace(gradients);
    m_parallel->sumInPlace({loss});
    m_optimizer->step(m_steps + 1);
    return loss.item<double>();
}

void TorchRecommender::setDataParallel(std::shared_ptr<DataParallelGroup> group) {
    requirePrepared("setDataParallel()");
    // Replicas start equal: rank 0's weights and buffers everywhere (a resumed rank 0 holds the checkpoint).
    std::vector<at::Tensor> state;
    for (const at::Tensor& parameter : m_network->parameters()) state.push_back(parameter.detach());
    for (const at::Tensor& buffer : m_network->buffers()) state.push_back(buffer);
    {
        torch::NoGradGuard noGrad;
        group->broadcastFromRoot(state);
    }
    m_parallel = std::move(group);
}

void TorchRecommender::save(const std::string& path) const {
    requirePrepared("save()");
    saveModelCheckpoint(path, {m_id, m_checkpointFormat, m_items, checkpointMatches()}, {m_epoch, m_steps}, *m_network,
                        *m_optimizer);
}

void TorchRecommender::load(const std::string& path) {
    requirePrepared("load()");
    const CheckpointCounters counters = loadModelCheckpoint(
        path, {m_id, m_checkpointFormat, m_items, checkpointMatches()}, m_device, *m_network, *m_optimizer);
    m_epoch = counters.epoch;
    m_steps = counters.steps;
}

void TorchRecommender::exportModel(const std::string& dir) const {
    requirePrepared("exportModel()");
    nlohmann::json config = exportInfo();
    config["model"] = m_id;
    config["config"] = nlohmann::json::parse(m_configJson);
    config["items"] = m_items;
    config["epochs_trained"] = m_epoch;
    exportModule(*m_network, dir, std::move(config));
}

FeatureMatrix TorchRecommender::itemTableRows(const at::Tensor& table) const {
    requirePrepared("itemEmbeddings()");
    if (table.dim() != 2 || table.size(0) < m_items + 1)
        throw std::logic_error(m_id + ": the item table has " + std::to_string(table.size(0)) + " rows for " +
                               std::to_string(m_items) + " items + padding");
    torch::NoGradGuard noGrad;
    const at::Tensor rows = table.detach().narrow(0, 1, m_items).to(at::kCPU, at::kFloat).contiguous();
    FeatureMatrix out;
    out.rows = m_items;
    out.dim = rows.size(1);
    out.values.assign(rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel());
    return out;
}

std::vector<size_t> TorchRecommender::shuffledOrder(size_t count, EpochRandom& random) {
    std::vector<size_t> order(count);
    for (size_t i = 0; i < count; ++i) order[i] = i;
    random.shuffle(order);
    return order;
}

std::vector<std::vector<size_t>> TorchRecommender::bucketedBatches(std::vector<size_t> order,
                                                                   const std::function<size_t(size_t)>& length,
                                                                   int64_t batchSize, int64_t poolBatches,
                                                                   EpochRandom& random) {
    const size_t pool = static_cast<size_t>(std::max<int64_t>(1, batchSize) * std::max<int64_t>(1, poolBatches));
    for (size_t begin = 0; begin < order.size(); begin += pool) {
        const auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
        const auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + pool));
        std::stable_sort(first, last, [&](size_t a, size_t b) { return length(a) < length(b); });
    }
    std::vector<std::vector<size_t>> batches = cutBatches(order, batchSize);
    random.shuffle(batches);
    return batches;
}

std::vector<std::vector<size_t>> TorchRecommender::cutBatches(const std::vector<size_t>& order, int64_t batchSize) {
    const auto size = static_cast<size_t>(std::max<int64_t>(1, batchSize));
    std::vector<std::vector<size_t>> batches;
    for (size_t begin = 0; begin < order.size(); begin += size)
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(begin),
                             order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + size)));
    return batches;
}

at::Tensor TorchRecommender::longTensor(std::vector<int64_t>& values, at::IntArrayRef sizes) const {
    return at::from_blob(values.data(), sizes, at::TensorOptions().dtype(at::kLong))
        .to(m_device, /*non_blocking=*/false, /*copy=*/true);
}

HistoryWindow TorchRecommender::historyOf(int32_t user, EvalPhase phase, int64_t keep) const {
    const Dataset& data = *m_data.dataset;
    if (user < 0 || static_cast<size_t>(user) >= data.users.size())
        throw std::out_of_range(m_id + ": user " + std::to_string(user) + " out of range");
    const UserSplit& cut = m_data.split->users[static_cast<size_t>(user)];
    const std::vector<int32_t>& items = data.users[static_cast<size_t>(user)].items;
    const int64_t stop = std::max<int64_t>(0, std::min<int64_t>(phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd,
                                                                static_cast<int64_t>(items.size())));
    const int64_t start = std::max<int64_t>(0, stop - keep);
    return {items.data() + start, stop - start};
}

std::vector<int32_t> TorchRecommender::recentItems(const std::vector<int32_t>& history, int64_t keep) const {
    const size_t start = history.size() > static_cast<size_t>(keep) ? history.size() - static_cast<size_t>(keep) : 0;
    std::vector<int32_t> items(history.begin() + static_cast<std::ptrdiff_t>(start), history.end());
    for (const int32_t item : items)
        if (item < 0 || item >= m_items)
            throw std::out_of_range(m_id + ": item " + std::to_string(item) + " out of range");
    return items;
}

AttentionPosition TorchRecommender::itemPosition(int32_t item) const {
    AttentionPosition position;
    position.kind = AttentionPosition::Kind::Item;
    position.item = item;
    position.label = itemLabel(*m_data.dataset, item);
    return position;
}

}  // namespace tokenbench::core
