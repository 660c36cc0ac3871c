// Fuzzes the Amazon loader. Byte 0 picks: 0 the input is a review file, 1 a meta file next to a fixed
// review file, 2 raw bytes of a .json.gz (gzip framing fuzzed), 3 review lines wrapped in valid gzip.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    using namespace tokenbench;
    const int mode = data[0] % 4;
    const uint8_t* body = data + 1;
    const size_t length = size - 1;
    core::LoadOptions options;
    options.format = "amazon";
    switch (mode) {
        case 0:
            options.paths = {fuzz::writeInput("reviews.json", body, length)};
            break;
        case 1:
            options.paths = {fuzz::writeInput(
                "reviews.json", std::string("{\"reviewerID\": \"A\", \"asin\": \"B\", \"overall\": 5}\n"))};
            options.attributesPath = fuzz::writeInput("meta.json", body, length);
            break;
        case 2:
            options.paths = {fuzz::writeInput("reviews.json.gz", body, length)};
            break;
        default:
            options.paths = {fuzz::writeGzipInput("reviews.json.gz", body, length)};
            break;
    }
    fuzz::runLoad(options);
    return 0;
}
