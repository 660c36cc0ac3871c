#include "tokenbench/storage/sha256.h"

#include <array>
#include <fstream>
#include <stdexcept>

#include <openssl/evp.h>

namespace tokenbench::core {

struct Sha256::State {
    EVP_MD_CTX* ctx = nullptr;
    ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_state(std::make_unique<State>()) {
    m_state->ctx = EVP_MD_CTX_new();
    if (!m_state->ctx || EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("cannot initialise SHA-256");
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t bytes) {
    if (bytes > 0 && EVP_DigestUpdate(m_state->ctx, data, bytes) != 1) throw std::runtime_error("SHA-256 update failed");
}

std::string Sha256::hexDigest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(m_state->ctx, digest.data(), &length) != 1) throw std::runtime_error("SHA-256 final failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0xF]);
    }
    return hex;
}

std::string sha256OfFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    Sha256 hash;
    std::array<char, 1 << 16> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        hash.update(buffer.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) throw std::runtime_error("read error in " + path);
    return hash.hexDigest();
}

std::string datasetHash(const Dataset& dataset) {
    Sha256 hash;
    const int64_t sizes[2] = {static_cast<int64_t>(dataset.users.size()), static_cast<int64_t>(dataset.items.size())};
    hash.update(sizes, sizeof(sizes));
    for (const UserSequence& user : dataset.users) {
        const int64_t n = static_cast<int64_t>(user.items.size());
        hash.update(&n, sizeof(n));
        hash.update(user.items.data(), user.items.size() * sizeof(int32_t));
        hash.update(user.timestamps.data(), user.timestamps.size() * sizeof(int64_t));
    }
    return hash.hexDigest();
}

}  // namespace tokenbench::core
