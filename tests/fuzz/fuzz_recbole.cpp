// Fuzzes the RecBole loader: byte 0 even → the input is the .inter file; odd → it is the .item file
// next to a fixed .inter file (found as a sibling).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    using namespace tokenbench;
    core::LoadOptions options;
    options.format = "recbole";
    if ((data[0] & 1) == 0) {
        fuzz::removeInput("ds/ds.item");
        fuzz::writeInput("ds/ds.inter", data + 1, size - 1);
    } else {
        fuzz::writeInput("ds/ds.inter", std::string("user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                                                    "1\t2\t3\t100\n1\t3\t4\t50\n"));
        fuzz::writeInput("ds/ds.item", data + 1, size - 1);
    }
    options.paths = {fuzz::folder() + "/ds"};
    fuzz::runLoad(options);
    return 0;
}
