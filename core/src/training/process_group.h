#pragma once
// Private: a data-parallel group of training processes on torch's c10d. Every rank holds a full
// replica of the model; each optimizer step, each rank computes the gradient of its share of the
// global batch and the group sums them (all-reduce, in buckets), so every replica takes the same
// step. Rank 0 alone validates, checkpoints and writes the store; between epochs it tells the other
// ranks whether to train another epoch (command()).
//
// Gloo carries CPU tensors; a CUDA build with NCCL uses NCCL for CUDA tensors.

#include <cstdint>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "tokenbench/training/distributed.h"

namespace tokenbench::core {

class DataParallelGroup final {
public:
    /// Joins the group (rendezvous through a TCPStore that rank 0 serves). Throws
    /// std::runtime_error naming the address when the group does not form in settings.joinSeconds.
    DataParallelGroup(const DistributedSettings& settings, const c10::Device& device);
    ~DataParallelGroup();
    DataParallelGroup(const DataParallelGroup&) = delete;
    DataParallelGroup& operator=(const DataParallelGroup&) = delete;

    [[nodiscard]] int rank() const { return m_settings.rank; }
    [[nodiscard]] int worldSize() const { return m_settings.worldSize; }

    /// Sums `tensors` over the ranks, in place, packed into buckets of about 4M elements.
    void sumInPlace(const std::vector<at::Tensor>& tensors);
    /// Rank 0's values of `tensors` on every rank (initial weights, so replicas start equal).
    void broadcastFromRoot(const std::vector<at::Tensor>& tensors);
    /// True on every rank when any rank asks to stop (cancel, time budget): all ranks leave an
    /// epoch at the same step.
    [[nodiscard]] bool anyStops(bool stopHere);
    /// Rank 0 sends `value`; every rank returns it (the between-epoch command: 1 train, 0 done).
    int64_t command(int64_t value);
    /// A collective failed (a rank died or hung): the group is unusable.
    [[nodiscard]] bool broken() const { return m_broken; }

private:
    struct Backend;
    DistributedSettings m_settings;
    c10::Device m_device;
    std::unique_ptr<Backend> m_backend;
    bool m_broken = false;

    void wait(const std::vector<at::Tensor>& tensors, bool broadcast);
};

}  // namespace tokenbench::core
