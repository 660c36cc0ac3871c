#pragma once
/// Progress of a long CLI job on stderr (at most once a second, one rewritten line) and Ctrl-C as a
/// cooperative cancel. The store gets everything else through the job's own writer.

#include <atomic>
#include <chrono>
#include <iostream>

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

}  // namespace tokenbench::cli
