#pragma once
// Private: run-time device choice and mixed precision for training jobs. The header is torch-free so
// the engine's own files compile quickly; the .cpp talks to LibTorch.

#include <string>

namespace tokenbench::core {

/// "auto" → "cuda" when LibTorch has CUDA and a GPU is present, else "cpu"; "cpu", "cuda",
/// "cuda:N" are checked and returned. Throws std::invalid_argument for an unknown device or a
/// CUDA device that is not there (naming what is).
[[nodiscard]] std::string resolveDevice(const std::string& requested);

/// Turns bfloat16 autocast on for this thread while alive (CUDA devices only; bfloat16 needs no
/// loss scaling, which LibTorch's C++ API lacks). A no-op on the CPU or when `enable` is false.
class AutocastScope final {
public:
    AutocastScope(bool enable, const std::string& device);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;
    [[nodiscard]] bool active() const { return m_active; }

private:
    bool m_active = false;
    bool m_previous = false;
};

}  // namespace tokenbench::core
