#pragma once
/// The error every loader and importer throws for bad input: it names the file, the line (and the
/// column or field where it applies) and what was expected, so a user can fix the file.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tokenbench::core {

/// Bad input data. what() reads "FILE:LINE:COLUMN: MESSAGE" (line/column left out when 0).
class DataError final : public std::runtime_error {
public:
    DataError(std::string file, int64_t line, int64_t column, const std::string& message);
    /// An error about a whole file (empty, unreadable, wrong format).
    DataError(std::string file, const std::string& message) : DataError(std::move(file), 0, 0, message) {}

    [[nodiscard]] const std::string& file() const { return m_file; }
    [[nodiscard]] int64_t line() const { return m_line; }      ///< 1-based, 0 when not about a line
    [[nodiscard]] int64_t column() const { return m_column; }  ///< 1-based field or byte column, 0 when none
    [[nodiscard]] const std::string& message() const { return m_message; }

private:
    std::string m_file;
    int64_t m_line;
    int64_t m_column;
    std::string m_message;
};

}  // namespace tokenbench::core
