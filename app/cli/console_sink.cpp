#include "console_sink.h"

#include <csignal>

namespace tokenbench::cli {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted.store(true); }
}  // namespace

std::atomic<bool>& interruptFlag() { return g_interrupted; }

void cancelOnInterrupt() { std::signal(SIGINT, onInterrupt); }

}  // namespace tokenbench::cli
