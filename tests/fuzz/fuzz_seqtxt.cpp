// Fuzzes the seqtxt loader: byte 0 even → the input is the interaction file; odd → it is the
// item2attributes.json next to a fixed interaction file.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    using namespace tokenbench;
    core::LoadOptions options;
    options.format = "seqtxt";
    if ((data[0] & 1) == 0) {
        options.paths = {fuzz::writeInput("seq.txt", data + 1, size - 1)};
    } else {
        options.paths = {fuzz::writeInput("seq.txt", std::string("1 2 3\n2 3 4\n"))};
        options.attributesPath = fuzz::writeInput("attrs.json", data + 1, size - 1);
    }
    fuzz::runLoad(options);
    return 0;
}
