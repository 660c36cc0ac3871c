#pragma once
// Private: data parallelism inside one process. A batch is split into shards whose losses and
// gradients are computed on separate threads (each single-threaded) and summed in shard order, so a
// second core helps models whose operations are too small for intra-op threads, and the result does
// not depend on how many threads ran. Used by TorchRecommender::trainEpoch on the job's thread.

#include <cstdint>
#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

namespace tokenbench::core {

/// Runs `shardLoss(s)` for s in [0, shards), on up to `threads` threads (shard 0 on the calling
/// thread), takes each loss's gradient with respect to `parameters` and stores their sum, in shard
/// order, as the parameters' .grad (replacing what was there; parameters no shard reaches get none).
/// Returns the sum of the shard losses. `shardLoss` must be safe to call concurrently for different
/// shards; the first exception a shard throws is rethrown after every thread finished.
double accumulateShardGradients(int64_t shards, int threads, const std::vector<at::Tensor>& parameters,
                                const std::function<at::Tensor(int64_t shard)>& shardLoss);

/// While alive, LibTorch and the BLAS compute with one thread (each shard is single-threaded, the
/// shards themselves are the parallelism); the earlier count comes back however the scope ends.
/// Inactive (changes nothing) when `active` is false.
class SingleThreadedCompute final {
public:
    explicit SingleThreadedCompute(bool active);
    ~SingleThreadedCompute();
    SingleThreadedCompute(const SingleThreadedCompute&) = delete;
    SingleThreadedCompute& operator=(const SingleThreadedCompute&) = delete;

private:
    int m_restore = 0;  ///< thread count to restore; 0: nothing to restore
};

/// `batch` cut into `shards` consecutive parts of sizes differing by at most one (fewer parts when
/// the batch is smaller than `shards`).
[[nodiscard]] std::vector<std::vector<size_t>> splitBatch(const std::vector<size_t>& batch, int64_t shards);

}  // namespace tokenbench::core
