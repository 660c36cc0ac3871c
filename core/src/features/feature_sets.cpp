#include "tokenbench/features/feature_sets.h"

#include <stdexcept>

namespace tokenbench::core {

std::vector<std::string> parseFeatureKinds(const std::string& text) {
    std::vector<std::string> kinds;
    std::string current;
    for (char c : text + ",") {
        if (c == ',' || c == '+') {
            if (!current.empty()) kinds.push_back(current);
            current.clear();
        } else if (c != ' ') {
            current.push_back(c);
        }
    }
    if (kinds.empty()) throw std::invalid_argument("no feature kind given");
    return kinds;
}

std::string joinFeatureKinds(const std::vector<std::string>& kinds) {
    std::string joined;
    for (const auto& k : kinds) joined += (joined.empty() ? "" : "+") + k;
    return joined;
}

}  // namespace tokenbench::core
