#pragma once
/// Progress of a long CLI job on stderr (at most once a second, one rewritten line) and Ctrl-C as a
/// cooperative cancel. The store gets everything else through the job's own writer.

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>

#include "tokenbench/progress_sink.h"

namespace tokenbench::cli {

class ConsoleSink final : public core::ProgressSink {
public:
    void progress(const core::ProgressUpdate& u) override {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last < std::chrono::seconds(1)) return;
        m_last = now;
        std::cerr << "\r" << u.phase;
        if (u.epochs > 0) std::cerr << "  epoch " << u.epoch << "/" << u.epochs;
        std::cerr << "  " << static_cast<int>(u.fraction * 100) << " %";
        if (u.etaSeconds >= 0) std::cerr << "  ETA " << static_cast<int>(u.etaSeconds) << " s";
        std::cerr << "      " << std::flush;
        m_printed = true;
    }
    void event(const core::RunEvent& e) override { std::cerr << (m_printed ? "\n" : "") << e.level << ": " << e.message << "\n"; }
    void finished(int64_t, core::RunStatus, const std::string&, const std::string&) override {
        if (m_printed) std::cerr << "\n";
    }

private:
    std::chrono::steady_clock::time_point m_last{};
    bool m_printed = false;
};

/// The flag a SIGINT handler sets; long commands pass it as their cancel flag.
std::atomic<bool>& interruptFlag();
/// Routes SIGINT (Ctrl-C) to interruptFlag() instead of killing the process.
void cancelOnInterrupt();

/// Prints a job's summary (one JSON object on stdout with `json`, indented otherwise, the failure on
/// stderr) and returns the exit code: 0 when it completed, 1 when it failed or was cancelled (bad
/// input, nothing the program itself got wrong).
int reportJobResult(const std::string& summaryJson, core::RunStatus status, const std::string& message, bool json);

/// Runs a core job (runTrainJob, runTokenizeJob...) with Ctrl-C as its cancel and progress on stderr,
/// then reports its typed result as reportJobResult does.
template <class Request, class Result>
int runJobCommand(Result (*job)(const Request&, core::ProgressSink&, const std::atomic<bool>*), const Request& request,
                  bool json) {
    cancelOnInterrupt();
    ConsoleSink console;
    const Result result = job(request, console, &interruptFlag());
    return reportJobResult(toJson(result), result.status, result.message, json);
}

}  // namespace tokenbench::cli
