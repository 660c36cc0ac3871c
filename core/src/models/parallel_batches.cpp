#include "models/parallel_batches.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include "models/batch_shards.h"

namespace tokenbench::core {

std::vector<std::vector<size_t>> lengthSortedBatches(const std::vector<int64_t>& lengths, size_t perBatch) {
    std::vector<size_t> order(lengths.size());
    for (size_t r = 0; r < order.size(); ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] < lengths[b]; });
    std::vector<std::vector<size_t>> batches;
    const size_t size = std::max<size_t>(1, perBatch);
    for (size_t first = 0; first < order.size(); first += size)
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(first),
                             order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), first + size)));
    return batches;
}

int batchThreads(bool onCpu) {
    return onCpu ? at::get_num_threads() : 1;
}

void forEachBatchInParallel(size_t batches, int threads, const std::function<void(size_t)>& run) {
    const auto workers = static_cast<size_t>(std::max(1, std::min<int>(threads, static_cast<int>(batches))));
    if (workers <= 1) {
        const c10::InferenceMode inference;
        for (size_t b = 0; b < batches; ++b) run(b);
        return;
    }
    const SingleThreadedCompute singleThreaded(true);  // each worker is single-threaded
    std::exception_ptr failure;
    std::mutex failureMutex;
    std::atomic<size_t> next{0};
    const auto runWorker = [&] {
        const c10::InferenceMode inference;  // no grad and no autograd bookkeeping; per thread
        for (size_t b = next++; b < batches; b = next++) {
            try {
                run(b);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(failureMutex);
                if (!failure) failure = std::current_exception();
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (size_t w = 1; w < workers; ++w) pool.emplace_back(runWorker);
    runWorker();
    for (std::thread& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace tokenbench::core
