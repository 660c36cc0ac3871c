#pragma once
// Private: exact ranking of a generative model, the check of its beam search. Every item is scored by
// the log-likelihood of its whole semantic ID (teacher forcing), computed through the prefix trie:
// at each level the rows of all trie nodes of that depth are decoded at once, so a prefix shared by
// many items is computed once per user. Costly (per user about as many decoder rows as the trie has
// inner nodes), so it is run on a sample of users. Generic over IdDecoder; worker thread.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/id_decoder.h"
#include "models/prefix_trie.h"

namespace tokenbench::core {

/// users x trie.nodeCount() float32 on the CPU: entry [u][n] is the sum over n's levels of the
/// model's log-probability of each code given the codes before it (the root 0), so a leaf holds its
/// tuple's log-likelihood, the score a beam ending there gets. Throws std::invalid_argument when the
/// trie's levels or codes do not fit the decoder.
[[nodiscard]] at::Tensor exactLeafScores(IdDecoder& decoder, const PrefixTrie& trie);

/// users x items (row-major) item scores from exactLeafScores: each item its leaf's score; items
/// that share a leaf step down by one float ulp each in ascending dense id, the order the beam
/// search lists them in, so rankings by these scores break such ties as the beam does.
[[nodiscard]] std::vector<float> exactItemScores(const at::Tensor& leafScores, const PrefixTrie& trie);

}  // namespace tokenbench::core
