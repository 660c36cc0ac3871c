#include "models/tiger_id_decoder.h"

#include <ATen/ATen.h>

namespace tokenbench::core {

TigerIdDecoder::TigerIdDecoder(TigerImpl& net, const TigerMemory& memory)
    : m_net(net), m_state(net.startDecoding(memory)), m_users(memory.hidden.size(0)) {}

at::Tensor TigerIdDecoder::step(const at::Tensor& previousCodes, int64_t groups) {
    const int64_t level = m_state.step;
    const at::Device device = m_state.crossBlocked.device();
    // Level 0 starts from BOS (token 1); later levels feed the previous level's code token.
    const at::Tensor tokens = level == 0 ? at::ones({m_users * groups}, at::TensorOptions().dtype(at::kLong))
                                         : previousCodes + m_net.codeToken(level - 1, 0);
    return m_net.decodeStep(m_state, tokens.to(device), groups);
}

void TigerIdDecoder::keepRows(const at::Tensor& rows) {
    m_net.selectRows(m_state, rows);
}

TigerUncachedIdDecoder::TigerUncachedIdDecoder(TigerImpl& net, const TigerMemory& memory)
    : m_net(net), m_state(net.startDecoding(memory)), m_users(memory.hidden.size(0)) {}

at::Tensor TigerUncachedIdDecoder::step(const at::Tensor& previousCodes, int64_t groups) {
    const at::Device device = m_state.crossBlocked.device();
    if (!m_tokens.defined()) {
        m_tokens = at::ones({m_users * groups, 1}, at::TensorOptions().dtype(at::kLong).device(device));
    } else {
        const int64_t level = m_tokens.size(1) - 1;
        const at::Tensor codes = (previousCodes.to(device) + m_net.codeToken(level, 0)).unsqueeze(1);
        m_tokens = at::cat({m_tokens, codes}, 1);
    }
    return m_net.decodePrefix(m_state, m_tokens, groups);
}

void TigerUncachedIdDecoder::keepRows(const at::Tensor& rows) {
    m_tokens = m_tokens.index_select(0, rows.to(m_tokens.device()));
}

}  // namespace tokenbench::core
