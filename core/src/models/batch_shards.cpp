#include "models/batch_shards.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include <ATen/Parallel.h>

#include <torch/autograd.h>
#include <torch/utils.h>

#include "tokenbench/runtime.h"

namespace tokenbench::core {

double accumulateShardGradients(int64_t shards, int threads, const std::vector<at::Tensor>& parameters,
                                const std::function<at::Tensor(int64_t)>& shardLoss) {
    std::vector<std::vector<at::Tensor>> gradients(static_cast<size_t>(shards));
    std::vector<double> losses(static_cast<size_t>(shards), 0.0);
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto runShard = [&](int64_t s) {
        try {
            torch::AutoGradMode enableGrad(true);  // grad mode is per thread
            const at::Tensor loss = shardLoss(s);
            gradients[static_cast<size_t>(s)] = torch::autograd::grad({loss}, parameters, {}, /*retain_graph=*/false,
                                                                      /*create_graph=*/false, /*allow_unused=*/true);
            losses[static_cast<size_t>(s)] = loss.item<double>();
        } catch (...) {
            const std::lock_guard<std::mutex> lock(failureMutex);
            if (!failure) failure = std::current_exception();
        }
    };
    // Shards s, s + workers, ... run on worker w = s % workers; worker 0 is this thread.
    const int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, shards));
    const auto runWorker = [&](int64_t worker) {
        for (int64_t s = worker; s < shards; s += workers) runShard(s);
    };
    std::vector<std::thread> pool;
    for (int64_t w = 1; w < workers; ++w) pool.emplace_back(runWorker, w);
    runWorker(0);
    for (std::thread& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);

    torch::NoGradGuard noGrad;
    double total = 0.0;
    for (size_t p = 0; p < parameters.size(); ++p) {
        at::Tensor sum;
        for (const std::vector<at::Tensor>& shard : gradients) {
            const at::Tensor& g = shard[p];
            if (!g.defined()) continue;
            sum = sum.defined() ? sum.add_(g) : g.clone();
        }
        at::Tensor parameter = parameters[p];
        parameter.mutable_grad() = sum;
    }
    for (const double loss : losses) total += loss;
    return total;
}

SingleThreadedCompute::SingleThreadedCompute(bool active) {
    const int threads = at::get_num_threads();
    if (!active || threads <= 1) return;
    m_restore = threads;
    setComputeThreads(1);
}

SingleThreadedCompute::~SingleThreadedCompute() {
    if (m_restore > 0) setComputeThreads(m_restore);
}

std::vector<std::vector<size_t>> splitBatch(const std::vector<size_t>& batch, int64_t shards) {
    const auto parts = static_cast<size_t>(std::max<int64_t>(1, std::min<int64_t>(shards, batch.size())));
    std::vector<std::vector<size_t>> out(parts);
    const size_t base = batch.size() / parts, extra = batch.size() % parts;
    size_t at = 0;
    for (size_t s = 0; s < parts; ++s) {
        const size_t size = base + (s < extra ? 1 : 0);
        out[s].assign(batch.begin() + static_cast<std::ptrdiff_t>(at), batch.begin() + static_cast<std::ptrdiff_t>(at + size));
        at += size;
    }
    return out;
}

}  // namespace tokenbench::core
