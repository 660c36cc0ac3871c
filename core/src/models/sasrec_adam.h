#pragma once
// Private: Adam (Kingma & Ba 2015) with the update rule of torch::optim::Adam (L2 weight decay added
// to the gradient; eps added after the bias-corrected square root), made cheap for SASRec on the CPU:
//  - each parameter's update is one fused loop over p, grad, m, v instead of about eight tensor
//    ops (each a full pass over the 12k x d item table, plus temporaries);
//  - gradients may be sparse (the item embedding's, from lookups): rows without a gradient get the
//    update a dense zero gradient would give (moments decay, parameters still move), so results are
//    those of dense Adam, without materialising and zero-filling a dense item-table gradient;
//  - zeroGrad() drops gradients (set to none) so backward writes fresh ones instead of adding into
//    zeroed buffers.
// Other devices and dtypes take the same steps as tensor ops. One step counter for all parameters
// (every SASRec parameter gets a gradient every step). Used on the job's worker thread.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/train_optimizer.h"

namespace tokenbench::core {

/// Adam's hyper-parameters (PyTorch's names and defaults, SASRec's betas).
struct SasRecAdamOptions final {
    double learningRate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.98;
    double eps = 1e-8;
    double weightDecay = 0.0;
    /// Sparse (item-table) gradients update only the rows they hold, as TensorFlow's LazyAdam: the
    /// other rows keep their weights and moments. No longer dense Adam, but a step then costs the
    /// batch's rows instead of the whole catalogue (the item table dominates at 100k+ items).
    bool lazyRows = false;
};

/// See file comment.
class SasRecAdam final : public TrainOptimizer {
public:
    SasRecAdam(std::vector<at::Tensor> parameters, SasRecAdamOptions options);
    /// Drops every gradient.
    void zeroGrad() override;
    /// Moments and step count, for exact resume. load() checks the shapes and throws
    /// std::invalid_argument on a mismatch.
    void save(torch::serialize::OutputArchive& archive) const override;
    void load(torch::serialize::InputArchive& archive) override;
    [[nodiscard]] int64_t steps() const { return m_steps; }

protected:
    /// One update of every parameter that has a gradient.
    void update() override;
    void setLearningRate(double rate) override { m_options.learningRate = rate; }

private:
    SasRecAdamOptions m_options;
    std::vector<at::Tensor> m_parameters;
    std::vector<at::Tensor> m_firstMoments;   ///< m, same shapes as the parameters
    std::vector<at::Tensor> m_secondMoments;  ///< v
    int64_t m_steps = 0;
};

}  // namespace tokenbench::core
