#pragma once
// Private: SID-GPT as an IdDecoder: the history prefix (BOS and the history's code tokens) runs once
// per user and its keys/values are kept; each later level appends one token per beam (the code chosen
// at the level before). Worker thread, eval mode.

#include "models/id_decoder.h"
#include "models/sid_gpt_module.h"

namespace tokenbench::core {

class SidGptIdDecoder final : public IdDecoder {
public:
    /// Decodes for the prefixes `tokens` (B x T, see SidGptImpl::startDecoding), one user per row;
    /// `net` must outlive the decoder.
    SidGptIdDecoder(SidGptImpl& net, const at::Tensor& tokens);

    [[nodiscard]] int64_t levels() const override { return m_net.levels(); }
    [[nodiscard]] int64_t vocab(int64_t level) const override {
        return m_net.options().vocab[static_cast<size_t>(level)];
    }
    [[nodiscard]] int64_t users() const override { return m_users; }
    at::Tensor step(const at::Tensor& previousCodes, int64_t groups) override;
    void keepRows(const at::Tensor& rows) override;

private:
    SidGptImpl& m_net;
    SidGptDecoderState m_state;
    int64_t m_users = 0;
};

}  // namespace tokenbench::core
