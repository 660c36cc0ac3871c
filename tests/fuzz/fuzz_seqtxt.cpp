// Fuzzes the seqtxt loader: byte 0 even → the input is the interaction file; odd → it is the
// item2attributes.json next to a fixed interaction file.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    return fuzz::fuzzLoader("seqtxt", data, size, [](const fuzz::Input& in, core::LoadOptions& options) {
        if ((in.selector & 1) == 0) {
            options.paths = {fuzz::writeInput("seq.txt", in.body, in.length)};
        } else {
            options.paths = {fuzz::writeInput("seq.txt", std::string("1 2 3\n2 3 4\n"))};
            options.attributesPath = fuzz::writeInput("attrs.json", in.body, in.length);
        }
    });
}
