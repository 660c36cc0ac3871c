#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

std::string compose(const std::string& file, int64_t line, int64_t column, const std::string& message) {
    std::string where = file.empty() ? std::string("<input>") : file;
    if (line > 0) where += ":" + std::to_string(line);
    if (line > 0 && column > 0) where += ":" + std::to_string(column);
    return where + ": " + message;
}

}  // namespace

DataError::DataError(std::string file, int64_t line, int64_t column, const std::string& message)
    : std::runtime_error(compose(file, line, column, message)),
      m_file(std::move(file)),
      m_line(line),
      m_column(column),
      m_message(message) {}

}  // namespace tokenbench::core
