// Fuzzes the Amazon loader. Byte 0 picks: 0 the input is a review file, 1 a meta file next to a fixed
// review file, 2 raw bytes of a .json.gz (gzip framing fuzzed), 3 review lines wrapped in valid gzip.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    return fuzz::fuzzLoader("amazon", data, size, [](const fuzz::Input& in, core::LoadOptions& options) {
        const int mode = in.selector % 4;
        switch (mode) {
            case 0:
                options.paths = {fuzz::writeInput("reviews.json", in.body, in.length)};
                break;
            case 1:
                options.paths = {fuzz::writeInput(
                    "reviews.json", std::string("{\"reviewerID\": \"A\", \"asin\": \"B\", \"overall\": 5}\n"))};
                options.attributesPath = fuzz::writeInput("meta.json", in.body, in.length);
                break;
            case 2:
                options.paths = {fuzz::writeInput("reviews.json.gz", in.body, in.length)};
                break;
            default:
                options.paths = {fuzz::writeGzipInput("reviews.json.gz", in.body, in.length)};
                break;
        }
    });
}
