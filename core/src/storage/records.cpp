#include "tokenbench/storage/records.h"

#include <stdexcept>

namespace tokenbench::core {

std::string toString(RunKind kind) { return kind == RunKind::Tokenizer ? "tokenizer" : "model"; }

std::string toString(RunStatus status) {
    switch (status) {
        case RunStatus::Created: return "created";
        case RunStatus::Running: return "running";
        case RunStatus::Completed: return "completed";
        case RunStatus::Failed: return "failed";
        case RunStatus::Cancelled: return "cancelled";
        case RunStatus::Interrupted: return "interrupted";
    }
    return "created";
}

RunKind runKindFromString(const std::string& text) {
    if (text == "tokenizer") return RunKind::Tokenizer;
    if (text == "model") return RunKind::Model;
    throw std::invalid_argument("unknown run kind '" + text + "'");
}

RunStatus runStatusFromString(const std::string& text) {
    for (RunStatus s : {RunStatus::Created, RunStatus::Running, RunStatus::Completed, RunStatus::Failed,
                        RunStatus::Cancelled, RunStatus::Interrupted}) {
        if (toString(s) == text) return s;
    }
    throw std::invalid_argument("unknown run status '" + text + "'");
}

}  // namespace tokenbench::core
