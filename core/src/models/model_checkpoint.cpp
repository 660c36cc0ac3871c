#include "models/model_checkpoint.h"

#include <exception>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include "common/atomic_file.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

void saveCheckpoint(const std::string& path, const CheckpointSpec& spec, CheckpointCounters counters,
                    const WriteArchives& write) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model;
    torch::serialize::OutputArchive optimizer;
    write(model, optimizer);
    archive.write("model", model);
    archive.write("optimizer", optimizer);
    archive.write("model_id", c10::IValue(spec.modelId));
    const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);
    archive.write("format", at::full({1}, spec.format, longCpu));
    archive.write("items", at::full({1}, spec.items, longCpu));
    archive.write("epoch", at::full({1}, counters.epoch, longCpu));
    archive.write("steps", at::full({1}, counters.steps, longCpu));
    for (const CheckpointMatch& match : spec.matches) archive.write(match.key, match.expected);
    // The archive streams into an AtomicFile, so a failed write (full disk, file size limit) leaves
    // the previous checkpoint in place. The callback never reports a short write to torch: its
    // writer would then throw, and throw again from its destructor; the first error is kept instead
    // and raised once the archive is done.
    AtomicFile file(path);
    std::exception_ptr writeError;
    try {
        archive.save_to([&](const void* data, size_t bytes) -> size_t {
            if (!writeError) {
                try {
                    file.write(data, bytes);
                } catch (...) {
                    writeError = std::current_exception();
                }
            }
            return bytes;
        });
    } catch (const c10::Error& e) {
        throw DataError(path, std::string("cannot write the checkpoint: ") + e.what_without_backtrace());
    }
    if (writeError) std::rethrow_exception(writeError);
    file.commit();
}

CheckpointCounters loadCheckpoint(const std::string& path, const CheckpointSpec& spec, const c10::Device& device,
                                  const ReadArchives& read) {
    const std::string notMatching = "not a matching " + spec.modelId + " checkpoint: ";
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        c10::IValue modelId;
        // Files of older builds carry no id; their format and sizes are still checked below.
        if (archive.try_read("model_id", modelId) && (!modelId.isString() || modelId.toStringRef() != spec.modelId))
            throw DataError(path, "not a " + spec.modelId + " checkpoint");
        at::Tensor value;
        const auto readInt = [&](const char* key) {
            archive.read(key, value);
            return value.to(at::kCPU).item<int64_t>();
        };
        if (readInt("format") != spec.format) throw DataError(path, "unknown " + spec.modelId + " checkpoint format");
        const int64_t items = readInt("items");
        if (items != spec.items)
            throw DataError(path, "checkpoint has " + std::to_string(items) + " items, the data set " +
                                      std::to_string(spec.items));
        for (const CheckpointMatch& match : spec.matches) {
            archive.read(match.key, value);
            if (!value.sizes().equals(match.expected.sizes()) || !at::equal(value.to(at::kCPU), match.expected))
                throw DataError(path, match.message);
        }
        torch::serialize::InputArchive model;
        torch::serialize::InputArchive optimizer;
        archive.read("model", model);
        archive.read("optimizer", optimizer);
        read(model, optimizer);
        return {readInt("epoch"), readInt("steps")};
    } catch (const c10::Error& e) {
        throw DataError(path, notMatching + e.what_without_backtrace());
    } catch (const std::invalid_argument& e) {
        throw DataError(path, notMatching + e.what());
    }
}

}  // namespace tokenbench::core
