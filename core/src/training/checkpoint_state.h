#pragma once
// Private: a training run's checkpoint folder. Each epoch's checkpoint is written to its own file
// (the model writes it atomically), then state.json — the engine's counters and which files are the
// last and the best — is replaced atomically, then unreferenced checkpoints are removed. A crash at
// any point leaves state.json naming complete files, so a resume never reads half a checkpoint.
// Torch-free.

#include <cstdint>
#include <optional>
#include <string>

namespace tokenbench::core {

/// The engine's counters at the end of an epoch.
struct CheckpointState final {
    int64_t epoch = 0;             ///< epochs completed
    int64_t bestEpoch = 0;         ///< 0: no validation yet
    double bestValue = 0.0;        ///< of the validation metric at bestEpoch
    int64_t staleEvaluations = 0;  ///< validations since the best
    std::string lastFile;          ///< file names inside the folder
    std::string bestFile;
    double trainSeconds = 0.0;     ///< summed over all epochs, for seconds per epoch across resumes
    int64_t timedEpochs = 0;
};

class CheckpointFolder final {
public:
    explicit CheckpointFolder(std::string dir);
    [[nodiscard]] const std::string& dir() const { return m_dir; }
    /// Path for a new checkpoint of `epoch` (not yet referenced by the state).
    [[nodiscard]] std::string pathForEpoch(int64_t epoch) const;
    [[nodiscard]] std::string path(const std::string& file) const;
    /// The stored state, or nothing when the run never finished an epoch. Throws DataError for a
    /// state file that cannot be read or names missing checkpoints.
    [[nodiscard]] std::optional<CheckpointState> load() const;
    /// Replaces state.json atomically, then deletes checkpoint files it no longer names.
    void commit(const CheckpointState& state) const;

private:
    std::string m_dir;
};

}  // namespace tokenbench::core
