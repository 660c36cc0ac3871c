#include "jobs/learned_codes_run.h"

#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/jobs/tokenize_job.h"

namespace tokenbench::core {

namespace {

/// Passes the tokenize job's log lines on and nothing else: the caller's sink follows the model
/// run, and a second run's start, figures and end would read as that run's.
class LogOnlySink final : public ProgressSink {
public:
    explicit LogOnlySink(ProgressSink& target) : m_target(target) {}
    void log(const std::string& level, const std::string& message) override { m_target.log(level, message); }

private:
    ProgressSink& m_target;
};

std::string codesCsv(const SemanticIds& ids) {
    std::string text = "item";
    for (int32_t l = 0; l < ids.levels; ++l) text += ",c" + std::to_string(l + 1);
    text += '\n';
    for (int64_t i = 0; i < ids.items; ++i) {
        text += std::to_string(i);
        for (int32_t l = 0; l < ids.levels; ++l) text += ',' + std::to_string(ids.at(i, l));
        text += '\n';
    }
    return text;
}

}  // namespace

int64_t storeLearnedCodes(const LearnedCodesRequest& request, const LearnedItemCodes& codes, ProgressSink& caller,
                          const std::atomic<bool>* cancel) {
    if (codes.ids.items == 0 || codes.ids.levels == 0) throw std::logic_error(request.modelId + ": learned no codes");
    std::filesystem::create_directories(std::filesystem::path(request.file).parent_path());
    writeFileAtomically(request.file, codesCsv(codes.ids));

    TokenizeRequest tokenize;
    tokenize.projectDir = request.projectDir;
    tokenize.dataset = request.dataset;
    tokenize.method = "import";
    tokenize.configJson =
        nlohmann::json{{"path", request.file}, {"id_kind", "index"}, {"codebook_size", codes.codebookSize}}.dump();
    tokenize.seed = request.seed;
    tokenize.name = request.modelId + " codes of run " + std::to_string(request.modelRunId);
    LogOnlySink sink(caller);
    const TokenizeResult result = runTokenizeJob(tokenize, sink, cancel);
    if (result.status == RunStatus::Cancelled) throw CancelledError();
    if (result.status != RunStatus::Completed)
        throw std::runtime_error("storing the learned codes as a tokenizer run failed: " + result.message);
    caller.log("info", "learned codes stored as tokenizer run " + std::to_string(result.runId) + " (" +
                           std::to_string(result.uniqueIds) + " unique IDs of " + std::to_string(result.items) +
                           " items, collision rate before resolution " + std::to_string(result.collisionRate) + ")");
    return result.runId;
}

}  // namespace tokenbench::core
