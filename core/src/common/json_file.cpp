#include "common/json_file.h"

#include <fstream>
#include <sstream>

#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot read the file");
    std::stringstream text;
    text << in.rdbuf();
    try {
        return nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        throw DataError(path, 0, static_cast<int64_t>(e.byte), std::string("not valid JSON: ") + e.what());
    } catch (const nlohmann::json::exception& e) {
        throw DataError(path, std::string("not valid JSON: ") + e.what());
    }
}

void writeJsonFile(const std::string& path, const nlohmann::json& j) {
    writeTextFileAtomically(path, j.dump(2) + "\n");
}

}  // namespace tokenbench::core
