// load(): resolves the format and hands over to the format's loader; LoadContext: progress and cancel.

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/loaders.h"

namespace tokenbench::core {

namespace detail {

namespace fs = std::filesystem;

void LoadContext::plan(const std::vector<std::string>& files) {
    m_totalBytes = 0;
    for (const std::string& file : files) m_totalBytes += fileSizeOf(file);
}

void LoadContext::beginFile(const std::string& path) {
    checkCancel();
    if (std::find(m_summary.files.begin(), m_summary.files.end(), path) == m_summary.files.end()) {
        m_summary.files.push_back(path);
    }
}

void LoadContext::endFile(int64_t fileBytes) {
    m_doneBytes += fileBytes;
    report(0);
}

void LoadContext::checkCancel() const {
    throwIfCancelled(m_options.cancel);
}

void LoadContext::report(int64_t bytesReadInFile) {
    if (m_options.progress) {
        const int64_t done = m_doneBytes + bytesReadInFile;
        m_options.progress(done, std::max(m_totalBytes, done));
    }
    checkCancel();
}

int64_t fileSizeOf(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(fs::path(path), ec);
    return ec ? 0 : static_cast<int64_t>(size);
}

bool isFile(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(path), ec);
}

bool isFolder(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(fs::path(path), ec);
}

std::string fileNameOf(const std::string& path) {
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    return fs::path(trimmed).filename().string();
}

std::string folderOf(const std::string& path) {
    return fs::path(path).parent_path().string();
}

std::string joinPath(const std::string& folder, const std::string& name) {
    return folder.empty() ? name : (fs::path(folder) / name).string();
}

}  // namespace detail

const std::vector<std::string>& loaderFormats() {
    static const std::vector<std::string> kFormats = {"auto", "seqtxt", "recbole", "movielens", "amazon", "csv", "lcrec"};
    return kFormats;
}

LoadSummary load(const LoadOptions& options, DatasetBuilder& builder) {
    LoadSummary summary;
    if (options.paths.empty()) throw DataError("", "no input files given");
    std::string format = options.format.empty() ? std::string("auto") : detail::asciiLower(options.format);
    const auto& formats = loaderFormats();
    if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
        std::string known;
        for (const auto& f : formats) known += (known.empty() ? "" : ", ") + f;
        throw DataError("", "unknown format '" + options.format + "': expected one of " + known);
    }
    detail::LoadContext context(options, summary, builder);
    context.checkCancel();
    if (format == "auto") format = detectFormat(options.paths, &summary.detectionReason);
    summary.format = format;
    if (format == "seqtxt") {
        detail::loadSeqtxt(context);
    } else if (format == "recbole") {
        detail::loadRecbole(context);
    } else if (format == "movielens") {
        detail::loadMovielens(context);
    } else if (format == "lcrec") {
        detail::loadLcrec(context);
    } else if (format == "amazon") {
        detail::loadAmazon(context);
    } else {
        detail::loadCsv(context);
    }
    return summary;
}

}  // namespace tokenbench::core
