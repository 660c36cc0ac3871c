// Fuzzes format detection and whatever loader it picks. Byte 0 picks the file name, which steers
// detection: x.txt, x.inter, ratings.dat, u.data, ratings.csv, x.json, x.csv, x.tsv, x.json.gz.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    using namespace tokenbench;
    static const char* const kNames[] = {"x.txt",  "x.inter", "ratings.dat", "u.data",   "ratings.csv",
                                         "x.json", "x.csv",   "x.tsv",       "x.json.gz"};
    const std::string name = std::string("auto/") + kNames[data[0] % 9];
    core::LoadOptions options;
    options.format = "auto";
    options.paths = {fuzz::writeInput(name, data + 1, size - 1)};
    fuzz::runLoad(options);
    fuzz::removeInput(name);
    return 0;
}
