#include "console_sink.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "cli_context.h"

namespace tokenbench::cli {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted.store(true); }
}  // namespace

namespace {
constexpr auto kTerminalInterval = std::chrono::seconds(1);
constexpr auto kLogInterval = std::chrono::seconds(10);  // a log line per interval: readable, not flooding
}  // namespace

bool stderrIsTerminal() { return isatty(fileno(stderr)) == 1; }

ConsoleSink::ConsoleSink(std::ostream& out, bool interactive) : m_out(out), m_interactive(interactive) {}

void ConsoleSink::progress(const core::ProgressUpdate& u) {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < (m_interactive ? kTerminalInterval : kLogInterval)) return;
    m_last = now;
    m_out << (m_interactive ? "\r" : "progress: ") << u.phase;
    if (u.epochs > 0) m_out << "  epoch " << u.epoch << "/" << u.epochs;
    m_out << "  " << static_cast<int>(u.fraction * 100) << " %";
    if (!m_interactive) m_out << "  elapsed " << static_cast<int>(u.elapsedSeconds) << " s";
    if (u.etaSeconds >= 0) m_out << "  ETA " << static_cast<int>(u.etaSeconds) << " s";
    if (m_interactive) {
        m_out << "      " << std::flush;  // blanks wipe the tail of a longer earlier line
        m_lineOpen = true;
    } else {
        m_out << std::endl;
    }
}

void ConsoleSink::event(const core::RunEvent& e) {
    endLine();
    m_out << e.level << ": " << e.message << std::endl;
}

void ConsoleSink::finished(int64_t, core::RunStatus, const std::string&, const std::string&) { endLine(); }

void ConsoleSink::endLine() {
    if (m_lineOpen) m_out << "\n";
    m_lineOpen = false;
}

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
