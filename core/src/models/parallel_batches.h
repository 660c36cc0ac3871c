#pragma once
// Private: evaluation batches of a generative model spread over single-threaded workers. The decoding
// of one batch is a chain of small products that intra-op threads barely split (and a second thread
// that waits at every barrier hurts on a loaded machine), so with N threads N batches run at once,
// each on one thread; results do not depend on the thread count. Shared by the models that decode
// through IdDecoder.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace tokenbench::core {

/// Row indices of `lengths` cut into batches of at most `perBatch`, each batch of similar lengths
/// (ascending, stable): a batch is padded to its longest history.
[[nodiscard]] std::vector<std::vector<size_t>> lengthSortedBatches(const std::vector<int64_t>& lengths,
                                                                   size_t perBatch);

/// Workers for decoding batches: the intra-op thread count on the CPU; 1 on a GPU, whose kernels
/// queue on one stream anyway.
[[nodiscard]] int batchThreads(bool onCpu);

/// Runs `run(b)` for b in [0, batches) on min(threads, batches) threads (the caller's among them),
/// each taking the next batch not yet started, with LibTorch's and the BLAS's intra-op threads set
/// to 1 meanwhile (restored after). Every worker, the calling thread included, runs in inference
/// mode (no grad, no autograd bookkeeping), so outputs must leave as plain data. threads <= 1: in
/// order on the calling thread, thread counts untouched. Rethrows the first exception of any batch
/// after all have ended. Called on the job's worker thread; `run` must only touch its own outputs.
void forEachBatchInParallel(size_t batches, int threads, const std::function<void(size_t batch)>& run);

}  // namespace tokenbench::core
