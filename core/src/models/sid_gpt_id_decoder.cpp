#include "models/sid_gpt_id_decoder.h"

#include <stdexcept>

#include <ATen/ATen.h>

namespace tokenbench::core {

SidGptIdDecoder::SidGptIdDecoder(SidGptImpl& net, const at::Tensor& tokens)
    : m_net(net), m_state(net.startDecoding(tokens)), m_users(tokens.size(0)) {}

at::Tensor SidGptIdDecoder::step(const at::Tensor& previousCodes, int64_t groups) {
    const int64_t level = m_state.step;
    if (level == 0) {
        // The prefix pass already predicted level 0 (one row per user).
        if (groups != 1) throw std::logic_error("sid-gpt: level 0 is decoded with one row per user");
        m_state.step = 1;
        return m_state.firstLogits;
    }
    const at::Tensor tokens = previousCodes + m_net.codeToken(level - 1, 0);
    return m_net.decodeStep(m_state, tokens.to(m_state.prefixBlocked.device()), groups);
}

void SidGptIdDecoder::keepRows(const at::Tensor& rows) {
    m_net.selectRows(m_state, rows);
}

}  // namespace tokenbench::core
