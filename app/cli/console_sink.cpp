#include "console_sink.h"

#include <csignal>

#include "cli_context.h"

namespace tokenbench::cli {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted.store(true); }
}  // namespace

std::atomic<bool>& interruptFlag() { return g_interrupted; }

void cancelOnInterrupt() { std::signal(SIGINT, onInterrupt); }

int reportJobResult(const std::string& summaryJson, core::RunStatus status, const std::string& message, bool json) {
    const auto out = nlohmann::json::parse(summaryJson);
    if (json) printJson(out);
    else std::cout << out.dump(2) << "\n";
    if (status == core::RunStatus::Completed) return kExitOk;
    if (!json) std::cerr << "error: " << message << "\n";
    return kExitUserError;
}

}  // namespace tokenbench::cli
