#pragma once
/// Checks on errors for the tests: text search in messages and catching the error a call throws.

#include <optional>
#include <string>
#include <utility>

namespace tokenbench::test {

/// Whether `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// Runs `call` and returns the `Error` it throws, or std::nullopt when it returns normally (other exceptions pass).
template <typename Error, typename Call>
std::optional<Error> thrownError(Call&& call) {
    try {
        std::forward<Call>(call)();
    } catch (const Error& e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace tokenbench::test
