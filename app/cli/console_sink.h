#pragma once
/// Progress of a long CLI job on stderr and Ctrl-C as a cooperative cancel. The store gets
/// everything else through the job's own writer.

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>

#include "tokenbench/progress_sink.h"

namespace tokenbench::cli {

/// Whether stderr is a terminal (not a file or a pipe).
[[nodiscard]] bool stderrIsTerminal();

/// On a terminal, one line rewritten in place at most once a second (bar, ETA); into a file or a
/// pipe, a whole line every few seconds, so logs hold no carriage returns. Events get lines of their own.
class ConsoleSink final : public core::ProgressSink {
public:
    explicit ConsoleSink(std::ostream& out = std::cerr, bool interactive = stderrIsTerminal());
    void progress(const core::ProgressUpdate& u) override;
    void event(const core::RunEvent& e) override;
    void finished(int64_t, core::RunStatus, const std::string&, const std::string&) override;

private:
    void endLine();

    std::ostream& m_out;
    bool m_interactive;
    std::chrono::steady_clock::time_point m_last{};
    bool m_lineOpen = false;  ///< an interactive line is on screen without its newline
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
