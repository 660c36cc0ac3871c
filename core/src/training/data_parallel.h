#pragma once
// Private, torch-free: what the engine needs of a data-parallel group (training/process_group.h):
// joining it, and the between-epoch commands rank 0 sends. Every other rank only trains; rank 0
// validates, checkpoints and writes the store, then says whether another epoch follows.

#include <memory>
#include <string>

#include "tokenbench/training/distributed.h"

namespace tokenbench::core {

class DataParallelGroup;

/// Joins the group described by `settings` for a model on `device` ("cpu", "cuda:0"...).
[[nodiscard]] std::shared_ptr<DataParallelGroup> joinDataParallelGroup(const DistributedSettings& settings,
                                                                       const std::string& device);

/// Rank 0's side of the epoch protocol. trainAnother() before each epoch; finish() (also from the
/// destructor, on every path out of the job) tells the other ranks that training is over, so they
/// exit instead of waiting for a timeout. A null group makes both no-ops.
class EpochCommands final {
public:
    explicit EpochCommands(DataParallelGroup* group) : m_group(group) {}
    ~EpochCommands() { finish(); }
    EpochCommands(const EpochCommands&) = delete;
    EpochCommands& operator=(const EpochCommands&) = delete;

    void trainAnother();
    void finish() noexcept;

private:
    DataParallelGroup* m_group;
    bool m_finished = false;
};

/// A rank other than 0: waits for rank 0's next command; true means "train another epoch".
[[nodiscard]] bool awaitEpochCommand(DataParallelGroup& group);

}  // namespace tokenbench::core
