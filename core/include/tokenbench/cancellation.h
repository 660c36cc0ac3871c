#pragma once
/// Cooperative cancellation: the UI or CLI sets an atomic flag; long loops check it between batches
/// and unwind with CancelledError, which jobs turn into a Cancelled outcome.

#include <atomic>
#include <stdexcept>

namespace tokenbench::core {

/// Thrown by work that noticed its cancel flag. Not an error: jobs report it as "cancelled".
class CancelledError final : public std::runtime_error {
public:
    CancelledError() : std::runtime_error("cancelled") {}
};

/// Throws CancelledError when `flag` is set. Call between batches; cheap (one relaxed load).
inline void throwIfCancelled(const std::atomic<bool>* flag) {
    if (flag && flag->load(std::memory_order_relaxed)) throw CancelledError();
}

}  // namespace tokenbench::core
