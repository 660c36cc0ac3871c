// Fuzzes the csv loader. Byte 0 picks the delimiter (detected, , ; tab |) and whether timestamp and
// rating columns are mapped.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    using namespace tokenbench;
    static constexpr char kDelimiters[] = {'\0', ',', ';', '\t', '|'};
    core::LoadOptions options;
    options.format = "csv";
    options.csv.user = "u";
    options.csv.item = "i";
    options.csv.delimiter = kDelimiters[data[0] % 5];
    if (data[0] & 0x10) options.csv.timestamp = "t";
    if (data[0] & 0x20) options.csv.rating = "r";
    options.paths = {fuzz::writeInput("data.csv", data + 1, size - 1)};
    fuzz::runLoad(options);
    return 0;
}
