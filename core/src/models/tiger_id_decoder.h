#pragma once
// Private: TIGER as an IdDecoder: the encoder's output is computed once per user, the decoder keeps
// its self-attention keys/values across levels (incremental decoding). TigerUncachedIdDecoder is the
// reference without that cache (the whole prefix through the decoder at every level), which tests
// compare the cached one with. Worker thread, eval mode.

#include "models/id_decoder.h"
#include "models/tiger_module.h"

namespace tokenbench::core {

class TigerIdDecoder final : public IdDecoder {
public:
    /// Decodes for the users of `memory` (one row each); `net` and `memory` must outlive the decoder.
    TigerIdDecoder(TigerImpl& net, const TigerMemory& memory);

    [[nodiscard]] int64_t levels() const override { return m_net.levels(); }
    [[nodiscard]] int64_t vocab(int64_t level) const override {
        return m_net.options().vocab[static_cast<size_t>(level)];
    }
    [[nodiscard]] int64_t users() const override { return m_users; }
    at::Tensor step(const at::Tensor& previousCodes, int64_t groups) override;
    void keepRows(const at::Tensor& rows) override;

private:
    TigerImpl& m_net;
    TigerDecoderState m_state;
    int64_t m_users = 0;
};

/// See file comment: each step feeds BOS and every row's codes so far through the whole decoder.
class TigerUncachedIdDecoder final : public IdDecoder {
public:
    /// As TigerIdDecoder.
    TigerUncachedIdDecoder(TigerImpl& net, const TigerMemory& memory);

    [[nodiscard]] int64_t levels() const override { return m_net.levels(); }
    [[nodiscard]] int64_t vocab(int64_t level) const override {
        return m_net.options().vocab[static_cast<size_t>(level)];
    }
    [[nodiscard]] int64_t users() const override { return m_users; }
    at::Tensor step(const at::Tensor& previousCodes, int64_t groups) override;
    void keepRows(const at::Tensor& rows) override;

private:
    TigerImpl& m_net;
    TigerDecoderState m_state;  ///< only its encoder keys/values are used
    at::Tensor m_tokens;        ///< rows x (levels decoded + 1): BOS and each level's code token
    int64_t m_users = 0;
};

}  // namespace tokenbench::core
