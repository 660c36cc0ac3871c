// DataParallelGroup on c10d: a TCPStore rendezvous and ProcessGroupGloo (ProcessGroupNCCL for CUDA
// tensors when LibTorch was built with it).
#include "training/process_group.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

#if TOKENBENCH_WITH_C10D
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if TOKENBENCH_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#endif

namespace tokenbench::core {

bool dataParallelAvailable() { return TOKENBENCH_WITH_C10D != 0; }

namespace {

constexpr int64_t kBucketElements = int64_t{4} << 20;  // 16 MB of floats a message

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

}  // namespace

#if TOKENBENCH_WITH_C10D

struct DataParallelGroup::Backend {
    c10::intrusive_ptr<c10d::Store> store;
#if TOKENBENCH_WITH_NCCL
    c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
};

DataParallelGroup::DataParallelGroup(const DistributedSettings& settings, const c10::Device& device)
    : m_settings(settings), m_device(device), m_backend(std::make_unique<Backend>()) {
    if (settings.worldSize < 2) throw std::invalid_argument("a data-parallel group needs at least 2 ranks");
    if (settings.rank < 0 || settings.rank >= settings.worldSize)
        throw std::invalid_argument("rank " + std::to_string(settings.rank) + " is outside 0.." +
                                    std::to_string(settings.worldSize - 1));
    const std::string where = settings.masterAddr + ":" + std::to_string(settings.masterPort);
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(settings.masterPort);
        options.isServer = settings.rank == 0;
        options.numWorkers = static_cast<std::size_t>(settings.worldSize);
        options.waitWorkers = true;
        options.timeout = millis(settings.joinSeconds);
        m_backend->store = c10::make_intrusive<c10d::TCPStore>(settings.masterAddr, options);
        auto gloo = c10d::ProcessGroupGloo::Options::create(millis(settings.timeoutMinutes * 60.0));
        // One machine: talk over loopback. Several: this host's own address, as torchrun does.
        const bool loopback = settings.masterAddr == "localhost" || settings.masterAddr.rfind("127.", 0) == 0;
        gloo->devices.push_back(loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                         : c10d::ProcessGroupGloo::createDefaultDevice());
        m_backend->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
            c10::make_intrusive<c10d::PrefixStore>("gloo", m_backend->store), settings.rank, settings.worldSize, gloo);
#if TOKENBENCH_WITH_NCCL
        if (device.is_cuda()) {
            auto nccl = c10::make_intrusive<c10d::ProcessGroupNCCL::Options>();
            nccl->timeout = millis(settings.timeoutMinutes * 60.0);
            m_backend->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
                c10::make_intrusive<c10d::PrefixStore>("nccl", m_backend->store), settings.rank, settings.worldSize,
                nccl);
        }
#endif
    } catch (const std::exception& e) {
        throw std::runtime_error("data-parallel rank " + std::to_string(settings.rank) + " of " +
                                 std::to_string(settings.worldSize) + " could not join the group at " + where +
                                 " within " + std::to_string(static_cast<int>(settings.joinSeconds)) + " s: " + e.what());
    }
}

DataParallelGroup::~DataParallelGroup() = default;

void DataParallelGroup::wait(const std::vector<at::Tensor>& tensors, bool broadcast) {
    std::vector<at::Tensor> list = tensors;
    c10::intrusive_ptr<c10d::Work> work;
    try {
#if TOKENBENCH_WITH_NCCL
        if (m_backend->nccl && !list.empty() && list.front().is_cuda()) {
            work = broadcast ? m_backend->nccl->broadcast(list) : m_backend->nccl->allreduce(list);
        } else
#endif
        {
            work = broadcast ? m_backend->gloo->broadcast(list) : m_backend->gloo->allreduce(list);
        }
        work->wait();
    } catch (const std::exception& e) {
        m_broken = true;
        // A rank that died or hangs: say so instead of a bare transport error.
        throw std::runtime_error("data-parallel group (rank " + std::to_string(m_settings.rank) + " of " +
                                 std::to_string(m_settings.worldSize) +
                                 "): another rank stopped answering (it failed, was killed or hung past " +
                                 std::to_string(m_settings.timeoutMinutes) + " min): " + e.what());
    }
}

#else  // built without c10d

struct DataParallelGroup::Backend {};

DataParallelGroup::DataParallelGroup(const DistributedSettings& settings, const c10::Device& device)
    : m_settings(settings), m_device(device) {
    throw std::runtime_error(
        "this build has no data-parallel training: LibTorch's c10d needs the Gloo headers at build time "
        "(Debian: libgloo-dev)");
}

DataParallelGroup::~DataParallelGroup() = default;

void DataParallelGroup::wait(const std::vector<at::Tensor>&, bool) {}

#endif

void DataParallelGroup::sumInPlace(const std::vector<at::Tensor>& tensors) {
    // Pack small tensors into flat buckets: one message per bucket instead of one per tensor.
    size_t begin = 0;
    while (begin < tensors.size()) {
        size_t end = begin;
        int64_t elements = 0;
        while (end < tensors.size() && (end == begin || elements + tensors[end].numel() <= kBucketElements))
            elements += tensors[end++].numel();
        std::vector<at::Tensor> flat;
        for (size_t i = begin; i < end; ++i) flat.push_back(tensors[i].reshape({-1}));
        at::Tensor bucket = at::cat(flat);
        wait({bucket}, false);
        int64_t offset = 0;
        for (size_t i = begin; i < end; ++i) {
            const int64_t n = tensors[i].numel();
            tensors[i].copy_(bucket.narrow(0, offset, n).view_as(tensors[i]));
            offset += n;
        }
        begin = end;
    }
}

void DataParallelGroup::broadcastFromRoot(const std::vector<at::Tensor>& tensors) {
    for (const at::Tensor& tensor : tensors) {
        at::Tensor copy = tensor.detach().contiguous().clone();
        wait({copy}, true);
        tensor.detach().copy_(copy);
    }
}

bool DataParallelGroup::anyStops(bool stopHere) {
    at::Tensor flag = at::full({1}, stopHere ? 1.0F : 0.0F, at::TensorOptions().device(m_device));
    wait({flag}, false);
    return flag.item<float>() > 0.0F;
}

int64_t DataParallelGroup::command(int64_t value) {
    at::Tensor message = at::full({1}, m_settings.rank == 0 ? value : int64_t{-1},
                                  at::TensorOptions().dtype(at::kLong).device(m_device));
    wait({message}, true);
    return message.item<int64_t>();
}

}  // namespace tokenbench::core

// --- The torch-free face (training/data_parallel.h) ----------------------------------------------

#include "common/device.h"
#include "tokenbench/logging.h"
#include "training/data_parallel.h"

namespace tokenbench::core {

std::shared_ptr<DataParallelGroup> joinDataParallelGroup(const DistributedSettings& settings,
                                                         const std::string& device) {
    return std::make_shared<DataParallelGroup>(settings, parseDevice(device, "data-parallel training"));
}

void EpochCommands::trainAnother() {
    if (m_group) (void)m_group->command(1);
}

void EpochCommands::finish() noexcept {
    if (!m_group || m_finished) return;
    m_finished = true;
    if (m_group->broken()) return;  // nobody left to tell
    try {
        (void)m_group->command(0);
    } catch (const std::exception& e) {
        logWarn(std::string("data-parallel: could not tell the other ranks to stop: ") + e.what());
    }
}

bool awaitEpochCommand(DataParallelGroup& group) { return group.command(-1) == 1; }

}  // namespace tokenbench::core
