// Fuzzes format detection and whatever loader it picks. Byte 0 picks the file name, which steers
// detection: x.txt, x.inter, ratings.dat, u.data, ratings.csv, x.json, x.csv, x.tsv, x.json.gz.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    std::string name;
    const int result = fuzz::fuzzLoader("auto", data, size, [&name](const fuzz::Input& in, core::LoadOptions& options) {
        static const char* const kNames[] = {"x.txt",  "x.inter", "ratings.dat", "u.data",   "ratings.csv",
                                             "x.json", "x.csv",   "x.tsv",       "x.json.gz"};
        name = std::string("auto/") + kNames[in.selector % 9];
        options.paths = {fuzz::writeInput(name, in.body, in.length)};
    });
    if (!name.empty()) fuzz::removeInput(name);
    return result;
}
