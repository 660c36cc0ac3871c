#pragma once
// Private: what the shared training loop (torch_recommender.h) needs of an optimizer: clear the
// gradients, update (after setting the learning rate of a schedule, when there is one), and its
// state in checkpoints. SasRecAdam implements it directly; torch::optim optimizers through
// wrapOptimizer. Used on the job's worker thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

namespace torch::optim {
class Optimizer;
}  // namespace torch::optim
namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace tokenbench::core {

/// What the training loop needs of an optimizer: clear gradients, update, a learning-rate
/// schedule, and its state in checkpoints.
class TrainOptimizer {
public:
    /// Learning rate of optimizer step `step` (1-based).
    using Schedule = std::function<double(int64_t step)>;

    virtual ~TrainOptimizer() = default;
    virtual void zeroGrad() = 0;
    /// Sets the learning rate of step `step` when there is a schedule, then updates the parameters.
    void step(int64_t step) {
        if (m_schedule) setLearningRate(m_schedule(step));
        update();
    }
    void setSchedule(Schedule schedule) { m_schedule = std::move(schedule); }
    /// The state exact resume needs (moments, step counts).
    virtual void save(torch::serialize::OutputArchive& archive) const = 0;
    virtual void load(torch::serialize::InputArchive& archive) = 0;

protected:
    /// One update of every parameter with a gradient.
    virtual void update() = 0;
    virtual void setLearningRate(double rate) = 0;

private:
    Schedule m_schedule;
};

/// A torch::optim optimizer (Adam, AdamW...) as a TrainOptimizer.
[[nodiscard]] std::unique_ptr<TrainOptimizer> wrapOptimizer(std::unique_ptr<torch::optim::Optimizer> optimizer);

}  // namespace tokenbench::core
