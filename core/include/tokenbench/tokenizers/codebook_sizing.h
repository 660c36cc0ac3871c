#pragma once
/// The codebook size a tokenizer form proposes for a catalogue, so a new user's first IDs fit the
/// data (256 codes a level on a 2,000-item catalogue leave most codes with one item or none).

#include <cstdint>

namespace tokenbench::core {

/// The smallest power of two at least sqrt(items), and at least items^(1/levels) so the ID space
/// can hold the catalogue, kept within [8, 1024]. A first-level code then holds about sqrt(items)
/// items and the second level splits each into about as many, so two levels separate the catalogue
/// on average and later levels resolve what remains. 2,000 items: 64; Amazon Beauty's 12,101: 128.
[[nodiscard]] int64_t proposedCodebookSize(int64_t items, int64_t levels);

}  // namespace tokenbench::core
