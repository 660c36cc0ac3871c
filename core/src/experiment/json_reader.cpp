#include "experiment/json_reader.h"

#include <fstream>
#include <sstream>

namespace tokenbench::core {

using nlohmann::json;

std::string readTextFile(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the " + what);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

json parseWithLines(const std::string& text, const std::string& path) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // Turn the byte offset into line and column for the message.
        int64_t line = 1;
        int64_t column = 1;
        const size_t end = std::min(text.size(), e.byte > 0 ? static_cast<size_t>(e.byte - 1) : size_t{0});
        for (size_t i = 0; i < end; ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string what = e.what();
        const auto cut = what.find("syntax error");
        throw DataError(path, line, column, "expected valid JSON: " + (cut == std::string::npos ? what : what.substr(cut)));
    }
}


}  // namespace tokenbench::core
