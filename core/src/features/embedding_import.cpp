// Imported item embeddings: .npy, .safetensors and .csv readers, and alignment of their rows to the
// data set's items by raw id.
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

namespace {

constexpr int64_t kMaxElements = int64_t{1} << 34;               // 64 GiB of float32: anything larger is a bad header

/// A matrix as read from a file, before alignment.
struct RawMatrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<float> values;
    std::vector<std::string> ids;  ///< csv only: first column
    std::vector<int64_t> idLines;  ///< csv only: 1-based line of each row
};

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the file");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw DataError(path, "cannot read the file");
    return bytes;
}

uint64_t readLittleEndian(const std::string& bytes, size_t offset, int width) {
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i)
        value = (value << 8) | static_cast<unsigned char>(bytes[offset + static_cast<size_t>(i)]);
    return value;
}

float floatFromBits(uint32_t bits) {
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

/// IEEE 754 binary16 -> binary32, subnormals, infinities and NaN included.
float halfToFloat(uint16_t half) {
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    uint32_t exponent = (half >> 10) & 0x1fu;
    uint32_t mantissa = half & 0x3ffu;
    if (exponent == 0) {
        if (mantissa == 0) return floatFromBits(sign);
        // Subnormal: shift the mantissa up to an implicit leading one, lowering the exponent to match.
        exponent = 127 - 15 + 1;
        while ((mantissa & 0x400u) == 0) mantissa <<= 1, --exponent;
        return floatFromBits(sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13));
    }
    if (exponent == 31) return floatFromBits(sign | 0x7f800000u | (mantissa << 13));
    return floatFromBits(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

enum class DType { F16, BF16, F32, F64 };

int dtypeSize(DType type) {
    switch (type) {
        case DType::F16:
        case DType::BF16:
            return 2;
        case DType::F32:
            return 4;
        case DType::F64:
            return 8;
    }
    return 4;
}

/// Decodes little-endian rows x cols elements at bytes[offset]; `fortran` means column-major storage.
std::vector<float> decodeElements(const std::string& bytes, size_t offset, int64_t rows, int64_t cols, DType type,
                                  bool fortran) {
    std::vector<float> values(static_cast<size_t>(rows * cols));
    const char* data = bytes.data() + offset;
    const int width = dtypeSize(type);
    for (int64_t e = 0; e < rows * cols; ++e) {
        const char* p = data + e * width;
        float v = 0.0f;
        switch (type) {
            case DType::F16: {
                uint16_t h;
                std::memcpy(&h, p, 2);
                v = halfToFloat(h);
                break;
            }
            case DType::BF16: {  // bfloat16 is the top half of a float32
                uint16_t h;
                std::memcpy(&h, p, 2);
                v = floatFromBits(static_cast<uint32_t>(h) << 16);
                break;
            }
            case DType::F32:
                std::memcpy(&v, p, 4);
                break;
            case DType::F64: {
                double d;
                std::memcpy(&d, p, 8);
                v = static_cast<float>(d);
                break;
            }
        }
        const int64_t target = fortran ? (e % rows) * cols + e / rows : e;
        values[static_cast<size_t>(target)] = v;
    }
    return values;
}

void checkShape(const std::string& path, int64_t rows, int64_t cols) {
    if (rows <= 0 || cols <= 0)
        throw DataError(path, "the matrix is empty (" + std::to_string(rows) + " x " + std::to_string(cols) + ")");
    if (rows > kMaxElements / cols)
        throw DataError(path,
                        "the shape " + std::to_string(rows) + " x " + std::to_string(cols) + " is implausibly large");
}

// --- .npy (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) ---

/// Minimal parser of the Python dict literal in an .npy header: string keys; string, True/False and
/// integer-tuple values.
class NpyHeaderParser final {
public:
    NpyHeaderParser(std::string path, std::string text) : m_path(std::move(path)), m_text(std::move(text)) {}

    void parse(std::string& descr, bool& fortran, std::vector<int64_t>& shape) {
        bool haveDescr = false, haveOrder = false, haveShape = false;
        expect('{');
        for (;;) {
            skipSpace();
            if (peek() == '}') break;
            const std::string key = parseString();
            expect(':');
            skipSpace();
            if (key == "descr")
                descr = parseString(), haveDescr = true;
            else if (key == "fortran_order")
                fortran = parseBool(), haveOrder = true;
            else if (key == "shape")
                shape = parseTuple(), haveShape = true;
            else
                fail("unexpected key '" + key + "'");
            skipSpace();
            if (peek() == ',') ++m_pos;
        }
        if (!haveDescr || !haveOrder || !haveShape) fail("it needs 'descr', 'fortran_order' and 'shape'");
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw DataError(m_path, "bad .npy header: " + why + " in \"" + m_text.substr(0, 120) + "\"");
    }
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    void skipSpace() {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
    }
    void expect(char c) {
        skipSpace();
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++m_pos;
    }
    std::string parseString() {
        skipSpace();
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("expected a quoted string");
        const size_t end = m_text.find(quote, m_pos + 1);
        if (end == std::string::npos) fail("unterminated string");
        std::string value = m_text.substr(m_pos + 1, end - m_pos - 1);
        m_pos = end + 1;
        return value;
    }
    bool parseBool() {
        if (m_text.compare(m_pos, 4, "True") == 0) return m_pos += 4, true;
        if (m_text.compare(m_pos, 5, "False") == 0) return m_pos += 5, false;
        fail("fortran_order must be True or False");
    }
    std::vector<int64_t> parseTuple() {
        expect('(');
        std::vector<int64_t> values;
        for (;;) {
            skipSpace();
            if (peek() == ')') break;
            size_t start = m_pos;
            while (std::isdigit(static_cast<unsigned char>(peek()))) ++m_pos;
            if (start == m_pos || m_pos - start > 15) fail("bad shape");
            values.push_back(std::stoll(m_text.substr(start, m_pos - start)));
            skipSpace();
            if (peek() == ',')
                ++m_pos;
            else if (peek() != ')')
                fail("bad shape");
        }
        ++m_pos;
        return values;
    }

    std::string m_path;
    std::string m_text;
    size_t m_pos = 0;
};

RawMatrix readNpy(const std::string& path) {
    const std::string bytes = readWholeFile(path);
    static const char kMagic[] = "\x93NUMPY";
    if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) throw DataError(path, "not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    if (major < 1 || major > 3) throw DataError(path, "unsupported .npy format version " + std::to_string(major));
    const size_t lengthBytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + lengthBytes) throw DataError(path, "truncated .npy header");
    const auto headerLength = static_cast<size_t>(readLittleEndian(bytes, 8, static_cast<int>(lengthBytes)));
    const size_t headerStart = 8 + lengthBytes;
    if (headerLength > bytes.size() - headerStart)
        throw DataError(path, "truncated .npy header (" + std::to_string(headerLength) + " bytes announced, " +
                                  std::to_string(bytes.size() - headerStart) + " present)");

    std::string descr;
    bool fortran = false;
    std::vector<int64_t> shape;
    NpyHeaderParser(path, bytes.substr(headerStart, headerLength)).parse(descr, fortran, shape);
    DType type;
    if (descr == "<f4")
        type = DType::F32;
    else if (descr == "<f2")
        type = DType::F16;
    else if (descr == "<f8")
        type = DType::F64;
    else
        throw DataError(path,
                        "unsupported dtype '" + descr + "' (expected little-endian float: '<f4', '<f2' or '<f8')");
    if (shape.size() != 2)
        throw DataError(path,
                        "expected a 2-D array (items x dims), found " + std::to_string(shape.size()) + " dimensions");

    RawMatrix m;
    m.rows = shape[0];
    m.cols = shape[1];
    checkShape(path, m.rows, m.cols);
    const size_t dataStart = headerStart + headerLength;
    const auto needed = static_cast<uint64_t>(m.rows * m.cols) * static_cast<uint64_t>(dtypeSize(type));
    if (bytes.size() - dataStart < needed)
        throw DataError(path, "truncated data: " + std::to_string(m.rows) + " x " + std::to_string(m.cols) + " " +
                                  descr + " needs " + std::to_string(needed) + " bytes, the file has " +
                                  std::to_string(bytes.size() - dataStart));
    m.values = decodeElements(bytes, dataStart, m.rows, m.cols, type, fortran);
    return m;
}

// --- .safetensors: parsed by the shared reader; here we only pick the matrix ---

RawMatrix readSafetensorsMatrix(const std::string& path) {
    const std::vector<TensorData> tensors = readSafetensors(path);
    const TensorData* chosen = nullptr;
    for (const TensorData& t : tensors)
        if (t.name == "embeddings") chosen = &t;
    if (!chosen && tensors.size() == 1) chosen = &tensors.front();
    if (!chosen) {
        std::string listed;
        for (const TensorData& t : tensors) listed += (listed.empty() ? "" : ", ") + t.name;
        throw DataError(path, tensors.empty() ? std::string("the file holds no tensor")
                                              : "several tensors (" + listed + ") and none is named 'embeddings'");
    }
    const auto bad = [&](const std::string& why) { return DataError(path, "tensor '" + chosen->name + "': " + why); };
    if (chosen->shape.size() != 2)
        throw bad("expected a 2-D tensor (items x dims), found " + std::to_string(chosen->shape.size()) + " dimensions");
    RawMatrix m;
    m.rows = chosen->shape[0];
    m.cols = chosen->shape[1];
    checkShape(path, m.rows, m.cols);
    try {
        m.values = chosen->toFloats();
    } catch (const std::invalid_argument&) {
        throw bad("unsupported dtype '" + chosen->dtype + "' (expected F32, F16, BF16 or F64)");
    }
    return m;
}

// --- .csv: id, v1, v2, ... with an optional header line ---

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

/// Splits a line on `delimiter`, honouring double quotes ("" inside quotes is a quote).
std::vector<std::string> splitFields(const std::string& line, char delimiter) {
    std::vector<std::string> fields;
    std::string current;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
                current += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                current += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == delimiter) {
            fields.push_back(trim(current));
            current.clear();
        } else {
            current += c;
        }
    }
    fields.push_back(trim(current));
    return fields;
}

bool parseNumber(const std::string& text, float& value) {
    if (text.empty()) return false;
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return false;
    value = static_cast<float>(d);
    return true;
}

RawMatrix readCsv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the file");
    RawMatrix m;
    std::string line;
    int64_t lineNumber = 0;
    char delimiter = ',';
    bool first = true;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (lineNumber == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 BOM
        if (trim(line).empty()) continue;
        if (first && line.find(',') == std::string::npos && line.find('\t') != std::string::npos) delimiter = '\t';
        const std::vector<std::string> fields = splitFields(line, delimiter);
        if (first) {
            first = false;
            // A first line whose value columns are not all numbers is a header.
            bool numeric = fields.size() > 1;
            float ignored;
            for (size_t f = 1; f < fields.size() && numeric; ++f) numeric = parseNumber(fields[f], ignored);
            if (!numeric && fields.size() > 1) {
                m.cols = static_cast<int64_t>(fields.size()) - 1;
                continue;
            }
        }
        if (fields.size() < 2)
            throw DataError(path, lineNumber, 0, "expected an id followed by values, found one field");
        const auto width = static_cast<int64_t>(fields.size()) - 1;
        if (m.cols == 0) m.cols = width;
        if (width != m.cols)
            throw DataError(path, lineNumber, 0,
                            "ragged row: expected " + std::to_string(m.cols) + " values after the id, found " +
                                std::to_string(width));
        if (fields[0].empty()) throw DataError(path, lineNumber, 1, "empty item id");
        for (size_t f = 1; f < fields.size(); ++f) {
            float v;
            if (!parseNumber(fields[f], v))
                throw DataError(path, lineNumber, static_cast<int64_t>(f) + 1, "'" + fields[f] + "' is not a number");
            if (!std::isfinite(v))
                throw DataError(path, lineNumber, static_cast<int64_t>(f) + 1,
                                "value '" + fields[f] + "' of item '" + fields[0] + "' (row " +
                                    std::to_string(m.rows + 1) + ", column " + std::to_string(f + 1) +
                                    ") is not a finite float32");
            m.values.push_back(v);
        }
        m.ids.push_back(fields[0]);
        m.idLines.push_back(lineNumber);
        ++m.rows;
    }
    if (in.bad()) throw DataError(path, "cannot read the file");
    if (m.rows == 0) throw DataError(path, "no embedding rows");
    return m;
}

/// Raw ids of an .npy/.safetensors file's rows, one per line.
std::vector<std::string> readIds(const std::string& path, std::vector<int64_t>& lines) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the file");
    std::vector<std::string> ids;
    std::vector<int64_t> emptyLines;
    std::string line;
    int64_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (lineNumber == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
        line = trim(line);
        if (line.empty()) {
            emptyLines.push_back(lineNumber);
            continue;
        }
        // An empty line is fine at the end of the file only.
        if (!emptyLines.empty()) throw DataError(path, emptyLines.front(), 0, "empty id");
        ids.push_back(line);
        lines.push_back(lineNumber);
    }
    if (in.bad()) throw DataError(path, "cannot read the file");
    return ids;
}

void checkFinite(const std::string& path, const RawMatrix& m, const std::vector<std::string>& ids) {
    for (int64_t r = 0; r < m.rows; ++r) {
        for (int64_t c = 0; c < m.cols; ++c) {
            const float v = m.values[static_cast<size_t>(r * m.cols + c)];
            if (std::isfinite(v)) continue;
            const std::string what = std::isnan(v) ? "NaN" : "infinite (in float32)";
            const std::string id = ids.empty() ? std::string() : " (item '" + ids[static_cast<size_t>(r)] + "')";
            throw DataError(
                path, "row " + std::to_string(r) + id + ", column " + std::to_string(c) + " (0-based) is " + what);
        }
    }
}

std::string lowerExtension(const std::string& path) {
    const size_t slash = path.find_last_of("/\\");
    const size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
    std::string ext = path.substr(dot);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

}  // namespace

FeatureMatrix importedEmbeddings(const Dataset& dataset, const FeatureSpec& spec) {
    return importedEmbeddings(dataset, spec, nullptr);
}

FeatureMatrix importedEmbeddings(const Dataset& dataset, const FeatureSpec& spec, EmbeddingImportReport* report) {
    const std::string& path = spec.embeddingsPath;
    if (path.empty()) throw std::invalid_argument("embeddings: no embeddings file given");
    const std::string ext = lowerExtension(path);
    RawMatrix m;
    std::string idSource = path;  // the file whose lines the ids come from, for messages
    std::vector<int64_t> idLines;
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt") {
        m = readCsv(path);
        idLines = m.idLines;
    } else if (ext == ".npy" || ext == ".safetensors") {
        m = ext == ".npy" ? readNpy(path) : readSafetensorsMatrix(path);
        if (!spec.embeddingsIdsPath.empty()) {
            idSource = spec.embeddingsIdsPath;
            m.ids = readIds(spec.embeddingsIdsPath, idLines);
            if (static_cast<int64_t>(m.ids.size()) != m.rows)
                throw DataError(spec.embeddingsIdsPath, "has " + std::to_string(m.ids.size()) + " ids but " + path +
                                                            " has " + std::to_string(m.rows) + " rows");
        }
    } else {
        throw DataError(path, "unknown embeddings format '" + ext + "' (expected .npy, .safetensors or .csv)");
    }
    if (ext != ".csv" && ext != ".tsv" && ext != ".txt") checkFinite(path, m, m.ids);

    const auto items = static_cast<int64_t>(dataset.items.size());
    FeatureMatrix out;
    out.rows = items;
    out.dim = m.cols;
    EmbeddingImportReport summary;
    summary.fileRows = m.rows;
    if (m.ids.empty()) {
        // No ids: rows are the items in dense order.
        if (m.rows != items)
            throw DataError(path, "has " + std::to_string(m.rows) + " rows but the data set has " +
                                      std::to_string(items) +
                                      " items; give an ids file (one raw item id per row) to align them");
        out.values = std::move(m.values);
        if (report) *report = summary;
        return out;
    }

    std::unordered_map<std::string, int32_t> itemIndex;
    itemIndex.reserve(dataset.items.size());
    for (size_t i = 0; i < dataset.items.size(); ++i)
        itemIndex.emplace(dataset.items[i].rawId, static_cast<int32_t>(i));
    std::unordered_map<std::string, int64_t> seenLine;
    out.values.assign(static_cast<size_t>(items * m.cols), 0.0f);
    std::vector<char> filled(static_cast<size_t>(items), 0);
    for (int64_t r = 0; r < m.rows; ++r) {
        const std::string& id = m.ids[static_cast<size_t>(r)];
        const int64_t line = idLines[static_cast<size_t>(r)];
        const auto [seen, fresh] = seenLine.emplace(id, line);
        if (!fresh) throw DataError(idSource, line, 0, "id '" + id + "' repeats line " + std::to_string(seen->second));
        const auto it = itemIndex.find(id);
        if (it == itemIndex.end()) {
            if (summary.unknownIds++ == 0) summary.firstUnknownId = id;
            continue;
        }
        std::copy_n(m.values.begin() + r * m.cols, m.cols, out.row(it->second));
        filled[static_cast<size_t>(it->second)] = 1;
    }
    if (summary.unknownIds == m.rows)
        throw DataError(idSource, "none of its " + std::to_string(m.rows) + " ids is an item of the data set (e.g. '" +
                                      summary.firstUnknownId + "')");
    const auto missing = std::count(filled.begin(), filled.end(), char{0});
    if (missing > 0) {
        const auto first = std::find(filled.begin(), filled.end(), char{0}) - filled.begin();
        throw DataError(idSource, std::to_string(missing) + " items of the data set have no embedding, e.g. '" +
                                      dataset.items[static_cast<size_t>(first)].rawId + "'");
    }
    if (report) *report = summary;
    return out;
}

}  // namespace tokenbench::core
