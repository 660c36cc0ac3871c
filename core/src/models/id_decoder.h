#pragma once
// Private: what a generative model offers to the semantic-ID beam search (id_beam_search.h): it
// predicts an item's ID one level at a time for a batch of rows and keeps each row's state (cached
// keys and values) between levels. TIGER (encoder-decoder) and the decoder-only model implement it.
// Used on the job's worker thread, network in eval mode, no grad.

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace tokenbench::core {

class IdDecoder {
public:
    virtual ~IdDecoder() = default;

    /// Levels of an ID and codes per level (max code + 1).
    [[nodiscard]] virtual int64_t levels() const = 0;
    [[nodiscard]] virtual int64_t vocab(int64_t level) const = 0;
    /// Users being decoded: one row each before the first step.
    [[nodiscard]] virtual int64_t users() const = 0;

    /// Logits (rows x vocab(level)) of the next level, level = the number of steps taken so far.
    /// Rows are grouped by user, `groups` per user (row = user * groups + g). `previousCodes` holds
    /// each row's code of the level before (int64, CPU; undefined at level 0).
    virtual at::Tensor step(const at::Tensor& previousCodes, int64_t groups) = 0;
    /// Keeps the rows `rows` (int64 indices into the current rows, e.g. the parents of new beams).
    virtual void keepRows(const at::Tensor& rows) = 0;
};

}  // namespace tokenbench::core
