// Fuzzes the csv loader. Byte 0 picks the delimiter (detected, , ; tab |) and whether timestamp and
// rating columns are mapped.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    return fuzz::fuzzLoader("csv", data, size, [](const fuzz::Input& in, core::LoadOptions& options) {
        static constexpr char kDelimiters[] = {'\0', ',', ';', '\t', '|'};
        options.csv.user = "u";
        options.csv.item = "i";
        options.csv.delimiter = kDelimiters[in.selector % 5];
        if (in.selector & 0x10) options.csv.timestamp = "t";
        if (in.selector & 0x20) options.csv.rating = "r";
        options.paths = {fuzz::writeInput("data.csv", in.body, in.length)};
    });
}
