#include "data/loaders/json_util.h"

#include "data/loaders/text_util.h"

namespace tokenbench::core::detail {

std::string describeJsonError(const std::string& lastToken, const nlohmann::detail::exception& error) {
    // nlohmann's text reads "[json.exception.parse_error.101] parse error at line 1, column 9: syntax
    // error while parsing value - ..."; its position is dropped here, the caller names line and column.
    std::string detail = error.what();
    const size_t bracket = detail.find("] ");
    if (bracket != std::string::npos) detail.erase(0, bracket + 2);
    const size_t colon = detail.find(": ");
    if (detail.rfind("parse error", 0) == 0 && colon != std::string::npos) detail.erase(0, colon + 2);
    const std::string found = lastToken.empty() ? std::string() : " but found '" + quoteForMessage(lastToken) + "'";
    return "expected valid JSON" + found + " (" + quoteForMessage(detail, 200) + ")";
}

std::string describeJsonType(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::null:
            return "null";
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "a list";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::binary:
            return "binary data";
        case nlohmann::json::value_t::discarded:
            return "nothing";
        default:
            return "a number";
    }
}

}  // namespace tokenbench::core::detail
