#pragma once
/// The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data):
/// how Tokenbench exports weights so Python users can load them without Tokenbench.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tokenbench::core {

/// One named tensor as raw bytes. dtype is a safetensors dtype: F32, F16, BF16, F64, I64, I32, U8...
struct TensorData final {
    std::string name;
    std::string dtype = "F32";
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;

    /// A float32 tensor from values (copied).
    [[nodiscard]] static TensorData fromFloats(std::string name, std::vector<int64_t> shape, const std::vector<float>& values);
    [[nodiscard]] static TensorData fromInts(std::string name, std::vector<int64_t> shape, const std::vector<int32_t>& values);
    /// The values as float32 (converts F16, BF16 and F64); throws std::invalid_argument for other dtypes.
    [[nodiscard]] std::vector<float> toFloats() const;
    [[nodiscard]] int64_t elementCount() const;
};

/// Bytes per element of a dtype; throws std::invalid_argument for an unknown dtype.
[[nodiscard]] int64_t dtypeSize(const std::string& dtype);

/// Writes tensors (and string metadata) to `path` atomically (temporary file + rename). Throws
/// std::runtime_error naming the file on I/O failure.
void writeSafetensors(const std::string& path, const std::vector<TensorData>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Reads every tensor of a safetensors file. Throws DataError naming the file and what is wrong
/// (short header, bad JSON, offsets outside the data, truncated data, unknown dtype). `metadata`
/// receives the "__metadata__" entries when given.
[[nodiscard]] std::vector<TensorData> readSafetensors(const std::string& path,
                                                      std::map<std::string, std::string>* metadata = nullptr);

/// Writes `text` to `path` atomically (temporary file + rename); for JSON configs next to weights.
void writeTextFileAtomically(const std::string& path, const std::string& text);

}  // namespace tokenbench::core
