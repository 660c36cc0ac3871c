#pragma once
// Private: the checkpoint file of every torch model. It holds the module's and the optimizer's
// archives plus a header: model id, format number, catalogue size, epoch and step counters, and
// tensors that must match the model that loads it (its sizes; TIGER's semantic IDs). Module::load
// would silently resize parameters (Tensor::set_), so the header is checked first. Files are written
// to a temporary name and renamed, so a crash never leaves half a checkpoint under the real name.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace tokenbench::core {

/// A header tensor the loading model must have too, and what a mismatch means to the user.
struct CheckpointMatch final {
    std::string key;      ///< "shape"
    at::Tensor expected;  ///< CPU tensor of this model
    std::string message;  ///< "checkpoint was saved with other sizes (hidden, blocks, ...)"
};

/// What identifies a model's checkpoints.
struct CheckpointSpec final {
    std::string modelId;  ///< "sasrec"; named in errors, and checked on load when the file has one
    int64_t format = 1;   ///< bumped when the layout changes
    int64_t items = 0;    ///< catalogue size
    std::vector<CheckpointMatch> matches;
};

/// Progress counters a checkpoint restores.
struct CheckpointCounters final {
    int64_t epoch = 0;
    int64_t steps = 0;
};

using WriteArchives = std::function<void(torch::serialize::OutputArchive& model, torch::serialize::OutputArchive& optimizer)>;
using ReadArchives = std::function<void(torch::serialize::InputArchive& model, torch::serialize::InputArchive& optimizer)>;

/// Writes `path` atomically; throws DataError naming the file when it cannot.
void saveCheckpoint(const std::string& path, const CheckpointSpec& spec, CheckpointCounters counters,
                    const WriteArchives& write);

/// Checks the header against `spec`, then hands the archives to `read` (tensors land on `device`).
/// Throws DataError naming the file and what does not match.
[[nodiscard]] CheckpointCounters loadCheckpoint(const std::string& path, const CheckpointSpec& spec,
                                                const c10::Device& device, const ReadArchives& read);

/// saveCheckpoint of a network and its optimizer (anything with save(OutputArchive&)).
template <typename Net, typename Optimizer>
void saveModelCheckpoint(const std::string& path, const CheckpointSpec& spec, CheckpointCounters counters,
                         const Net& net, const Optimizer& optimizer) {
    saveCheckpoint(path, spec, counters,
                   [&](torch::serialize::OutputArchive& model, torch::serialize::OutputArchive& state) {
                       net.save(model);
                       optimizer.save(state);
                   });
}

/// loadCheckpoint into a network and its optimizer (anything with load(InputArchive&)).
template <typename Net, typename Optimizer>
[[nodiscard]] CheckpointCounters loadModelCheckpoint(const std::string& path, const CheckpointSpec& spec,
                                                     const c10::Device& device, Net& net, Optimizer& optimizer) {
    return loadCheckpoint(path, spec, device,
                          [&](torch::serialize::InputArchive& model, torch::serialize::InputArchive& state) {
                              net.load(model);
                              optimizer.load(state);
                          });
}

}  // namespace tokenbench::core
