#pragma once
/// Header-only helpers of the module tests (SASRec, BERT4Rec, TIGER networks from core/src/models,
/// reached through tokenbench::core_private): the small sizes they share and a seeded net in eval mode.

#include <cstdint>

#include <ATen/CPUGeneratorImpl.h>

namespace tokenbench::test {

/// Options of a transformer module with the small sizes the module tests share: 30 items, width 16,
/// 2 heads, 8 positions (blocks and dropout keep the options' defaults).
template <typename Options>
Options smallModuleOptions() {
    Options options;
    options.items = 30;
    options.hidden = 16;
    options.heads = 2;
    options.maxLength = 8;
    return options;
}

/// `net` with its parameters reset from a CPU generator seeded `seed`, switched to eval mode.
template <typename Net>
Net seededForEval(Net net, uint64_t seed) {
    at::Generator generator = at::detail::createCPUGenerator(seed);
    net->resetParameters(generator);
    net->eval();
    return net;
}

}  // namespace tokenbench::test
