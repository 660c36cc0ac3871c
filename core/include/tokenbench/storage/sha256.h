#pragma once
/// SHA-256 digests (OpenSSL) for data hashes and artifact checksums.

#include <cstddef>
#include <memory>
#include <string>

#include "tokenbench/data/dataset.h"

namespace tokenbench::core {

/// Incremental SHA-256. One object per thread.
class Sha256 final {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, size_t bytes);
    /// Lower-case hex digest; the object cannot be updated afterwards.
    [[nodiscard]] std::string hexDigest();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Hex SHA-256 of a file's bytes; throws std::runtime_error naming the file when it cannot be read.
[[nodiscard]] std::string sha256OfFile(const std::string& path);

/// SHA-256 over the sequences (item ids and timestamps) and catalogue size: identifies the exact
/// data a run trained on. Any thread.
[[nodiscard]] std::string datasetHash(const Dataset& dataset);

}  // namespace tokenbench::core
