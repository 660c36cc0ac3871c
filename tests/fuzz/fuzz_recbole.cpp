// Fuzzes the RecBole loader: byte 0 even → the input is the .inter file; odd → it is the .item file
// next to a fixed .inter file (found as a sibling).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    return fuzz::fuzzLoader("recbole", data, size, [](const fuzz::Input& in, core::LoadOptions& options) {
        if ((in.selector & 1) == 0) {
            fuzz::removeInput("ds/ds.item");
            fuzz::writeInput("ds/ds.inter", in.body, in.length);
        } else {
            fuzz::writeInput("ds/ds.inter", std::string("user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                                                        "1\t2\t3\t100\n1\t3\t4\t50\n"));
            fuzz::writeInput("ds/ds.item", in.body, in.length);
        }
        options.paths = {fuzz::folder() + "/ds"};
    });
}
