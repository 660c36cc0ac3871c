#include "tokenbench/io/safetensors.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

float halfToFloat(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
    uint32_t exponent = (h >> 10) & 0x1F;
    uint32_t mantissa = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            exponent = 127 - 15 + 1;
            while ((mantissa & 0x400) == 0) {
                mantissa <<= 1;
                --exponent;
            }
            bits = sign | (exponent << 23) | ((mantissa & 0x3FF) << 13);
        }
    } else if (exponent == 0x1F) {
        bits = sign | 0x7F800000 | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    return f;
}

void writeAll(const std::string& path, const std::string& header, const std::vector<TensorData>& tensors) {
    AtomicFile out(path);
    const uint64_t length = header.size();
    unsigned char prefix[8];
    for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>((length >> (8 * i)) & 0xFF);
    out.write(prefix, 8);
    out.write(header);
    for (const auto& t : tensors) out.write(t.bytes.data(), t.bytes.size());
    out.commit();
}

}  // namespace

int64_t dtypeSize(const std::string& dtype) {
    static const std::map<std::string, int64_t> sizes = {{"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8},
                                                         {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},   {"BOOL", 1}};
    const auto it = sizes.find(dtype);
    if (it == sizes.end()) throw std::invalid_argument("unknown safetensors dtype '" + dtype + "'");
    return it->second;
}

int64_t TensorData::elementCount() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

TensorData TensorData::fromFloats(std::string name, std::vector<int64_t> shape, const std::vector<float>& values) {
    TensorData t{std::move(name), "F32", std::move(shape), {}};
    t.bytes.resize(values.size() * sizeof(float));
    if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    return t;
}

TensorData TensorData::fromInts(std::string name, std::vector<int64_t> shape, const std::vector<int32_t>& values) {
    TensorData t{std::move(name), "I32", std::move(shape), {}};
    t.bytes.resize(values.size() * sizeof(int32_t));
    if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    return t;
}

std::vector<float> TensorData::toFloats() const {
    const int64_t n = elementCount();
    std::vector<float> out(static_cast<size_t>(n));
    if (dtype == "F32") {
        std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
    } else if (dtype == "F64") {
        for (int64_t i = 0; i < n; ++i) {
            double d;
            std::memcpy(&d, bytes.data() + i * 8, 8);
            out[static_cast<size_t>(i)] = static_cast<float>(d);
        }
    } else if (dtype == "F16" || dtype == "BF16") {
        for (int64_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, bytes.data() + i * 2, 2);
            if (dtype == "F16") {
                out[static_cast<size_t>(i)] = halfToFloat(h);
            } else {
                const uint32_t bits = static_cast<uint32_t>(h) << 16;  // bfloat16 is the top half of a float32
                std::memcpy(&out[static_cast<size_t>(i)], &bits, 4);
            }
        }
    } else {
        throw std::invalid_argument("tensor '" + name + "' has dtype " + dtype + ", expected a floating-point type");
    }
    return out;
}

void writeSafetensors(const std::string& path, const std::vector<TensorData>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        if (static_cast<int64_t>(t.bytes.size()) != t.elementCount() * dtypeSize(t.dtype))
            throw std::invalid_argument("tensor '" + t.name + "' holds " + std::to_string(t.bytes.size()) +
                                        " bytes, its shape needs " + std::to_string(t.elementCount() * dtypeSize(t.dtype)));
        header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
        offset += t.bytes.size();
    }
    std::string text = header.dump();
    // Pad with spaces to 8 bytes so the data is aligned, as the reference implementation does.
    text.append((8 - text.size() % 8) % 8, ' ');
    writeAll(path, text, tensors);
}

std::vector<TensorData> readSafetensors(const std::string& path, std::map<std::string, std::string>* metadata) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open file");
    in.seekg(0, std::ios::end);
    const auto fileSize = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    if (fileSize < 8) throw DataError(path, "truncated safetensors file: shorter than its 8-byte header length");
    unsigned char prefix[8];
    in.read(reinterpret_cast<char*>(prefix), 8);
    uint64_t headerLength = 0;
    for (int i = 0; i < 8; ++i) headerLength |= static_cast<uint64_t>(prefix[i]) << (8 * i);
    if (headerLength > fileSize - 8 || headerLength > (100u << 20))
        throw DataError(path, "truncated or not a safetensors file: header of " + std::to_string(headerLength) +
                                  " bytes announced, the file has " + std::to_string(fileSize));
    std::string headerText(headerLength, '\0');
    in.read(headerText.data(), static_cast<std::streamsize>(headerLength));
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerText);
    } catch (const nlohmann::json::parse_error& e) {
        throw DataError(path, 1, static_cast<int64_t>(e.byte) + 8, std::string("bad safetensors JSON header: ") + e.what());
    }
    if (!header.is_object()) throw DataError(path, "bad safetensors header: expected a JSON object");
    const uint64_t dataSize = fileSize - 8 - headerLength;
    std::vector<TensorData> tensors;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (metadata && entry.is_object())
                for (const auto& [k, v] : entry.items()) (*metadata)[k] = v.is_string() ? v.get<std::string>() : v.dump();
            continue;
        }
        try {
            TensorData t;
            t.name = name;
            t.dtype = entry.at("dtype").get<std::string>();
            t.shape = entry.at("shape").get<std::vector<int64_t>>();
            const auto offsets = entry.at("data_offsets").get<std::vector<uint64_t>>();
            if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > dataSize)
                throw DataError(path, "tensor '" + name + "': data offsets outside the file's " + std::to_string(dataSize) +
                                          " data bytes (truncated file?)");
            // Bound the element count by the data actually present before multiplying, so a
            // hostile shape cannot overflow.
            uint64_t elements = 1;
            for (int64_t d : t.shape) {
                if (d < 0) throw DataError(path, "tensor '" + name + "': negative dimension");
                if (d > 0 && elements > dataSize / static_cast<uint64_t>(d))
                    throw DataError(path, "tensor '" + name + "': shape larger than the file's data");
                elements *= static_cast<uint64_t>(d);
            }
            if (static_cast<int64_t>(offsets[1] - offsets[0]) != t.elementCount() * dtypeSize(t.dtype))
                throw DataError(path, "tensor '" + name + "': " + std::to_string(offsets[1] - offsets[0]) +
                                          " bytes do not match its shape and dtype " + t.dtype);
            t.bytes.resize(offsets[1] - offsets[0]);
            in.seekg(static_cast<std::streamoff>(8 + headerLength + offsets[0]));
            in.read(reinterpret_cast<char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
            if (!in) throw DataError(path, "tensor '" + name + "': file ends before its data");
            tensors.push_back(std::move(t));
        } catch (const nlohmann::json::exception& e) {
            throw DataError(path, "tensor '" + name + "': bad header entry: " + e.what());
        } catch (const std::invalid_argument& e) {
            throw DataError(path, "tensor '" + name + "': " + e.what());
        }
    }
    return tensors;
}

void writeTextFileAtomically(const std::string& path, const std::string& text) { writeFileAtomically(path, text); }

}  // namespace tokenbench::core
