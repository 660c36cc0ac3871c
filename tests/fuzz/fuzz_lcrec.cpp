// Fuzzes the LC-Rec/LETTER layout and item tables. Byte 0 selects: 0 → the input is NAME.inter.json;
// 1 → it is NAME.item.json next to a fixed .inter.json; 2 / 3 → it is an item table (JSON lines / CSV)
// joined to the fixed data set. Bad input may only surface as DataError.
#include "fuzz_common.h"
#include "tokenbench/data/item_table.h"

namespace {

const char* kInter = "{\"4\": [0, 1, 2], \"2\": [\"1\", \"2\"]}";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    if (size == 0) return 0;
    const uint8_t mode = data[0] % 4;
    if (mode >= 2) {
        fuzz::writeInput("t/T.inter.json", std::string(kInter));
        fuzz::removeInput("t/T.item.json");
        const std::string table = fuzz::writeInput(mode == 2 ? "items.jsonl" : "items.csv", data + 1, size - 1);
        core::LoadOptions options;
        options.format = "lcrec";
        options.paths = {fuzz::folder() + "/t"};
        core::DatasetBuilder builder;
        (void)core::load(options, builder);
        core::Dataset dataset = builder.build({});
        core::ItemTableOptions item;
        item.path = table;
        item.mapping.textFields = {"title", "description"};
        item.mapping.attributeFields = {"attributes", "brand"};
        item.mapping.listSeparator = '|';
        try {
            (void)core::joinItemTable(dataset, item);
            for (const auto& info : dataset.items) {
                for (const int32_t a : info.attributes) {
                    if (a < 0 || static_cast<size_t>(a) >= dataset.attributeVocab.size()) std::abort();
                }
            }
        } catch (const core::DataError& error) {
            if (error.message().empty()) std::abort();
        }
        return 0;
    }
    return fuzz::fuzzLoader("lcrec", data, size, [](const fuzz::Input& in, core::LoadOptions& options) {
        if ((in.selector & 1) == 0) {
            fuzz::removeInput("l/L.item.json");
            fuzz::writeInput("l/L.inter.json", in.body, in.length);
        } else {
            fuzz::writeInput("l/L.inter.json", std::string(kInter));
            fuzz::writeInput("l/L.item.json", in.body, in.length);
        }
        options.paths = {fuzz::folder() + "/l/L.inter.json"};
    });
}
