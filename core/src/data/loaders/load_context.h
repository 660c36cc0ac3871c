#pragma once
/// What every format loader shares: the options, the summary being filled, the builder, progress
/// reporting and cancellation. One context per load() call, used on the loading thread only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenbench/data/loaders.h"

namespace tokenbench::core {
class DatasetBuilder;
}

namespace tokenbench::core::detail {

/// Lines between two progress reports (and cancellation checks).
inline constexpr int64_t kProgressEveryLines = int64_t{1} << 16;

class LoadContext final {
public:
    LoadContext(const LoadOptions& options, LoadSummary& summary, DatasetBuilder& builder)
        : m_options(options), m_summary(summary), m_builder(builder) {}

    /// What to load, the summary being filled and the builder receiving the data (loading thread).
    [[nodiscard]] const LoadOptions& options() const { return m_options; }
    [[nodiscard]] LoadSummary& summary() { return m_summary; }
    [[nodiscard]] DatasetBuilder& builder() { return m_builder; }

    /// Declares the files this load will read, so that progress has a total. Loading thread.
    void plan(const std::vector<std::string>& files);
    /// Records `path` as read and checks cancellation. Loading thread.
    void beginFile(const std::string& path);
    /// Call once per line read from `reader` (a LineReader or JsonInput): every kProgressEveryLines lines
    /// reports the bytes read and checks cancellation. Loading thread.
    template <class Reader>
    void tick(const Reader& reader) {
        // Asking a gzip reader for its offset is a system call, so only when reporting.
        if (++m_ticks % kProgressEveryLines == 0) report(reader.bytesRead());
    }
    /// Marks the current file as done (its size counts as read) and reports. Loading thread.
    void endFile(int64_t fileBytes);
    /// Throws CancelledError when the cancel flag is set. Loading thread.
    void checkCancel() const;

private:
    void report(int64_t bytesReadInFile);

    const LoadOptions& m_options;
    LoadSummary& m_summary;
    DatasetBuilder& m_builder;
    int64_t m_totalBytes = 0;
    int64_t m_doneBytes = 0;
    int64_t m_ticks = 0;
};

/// Size of a file in bytes, 0 when it cannot be read (any thread).
[[nodiscard]] int64_t fileSizeOf(const std::string& path);
/// True when `path` names an existing regular file / folder (any thread).
[[nodiscard]] bool isFile(const std::string& path);
[[nodiscard]] bool isFolder(const std::string& path);
/// Last path component ("ml-100k.inter"), and the folder containing `path` ("" when none).
[[nodiscard]] std::string fileNameOf(const std::string& path);
[[nodiscard]] std::string folderOf(const std::string& path);
/// `folder` + "/" + `name` (just `name` when folder is empty).
[[nodiscard]] std::string joinPath(const std::string& folder, const std::string& name);

// The format loaders, each parsing options().paths into the builder. Loading thread.
void loadSeqtxt(LoadContext& context);
void loadRecbole(LoadContext& context);
void loadMovielens(LoadContext& context);
void loadAmazon(LoadContext& context);
void loadCsv(LoadContext& context);
void loadLcrec(LoadContext& context);

}  // namespace tokenbench::core::detail
