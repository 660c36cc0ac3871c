#include "models/rearec_reasoning.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <ATen/ATen.h>

#include "models/contrastive_loss.h"
#include "models/layer_stack.h"

namespace tokenbench::core {

namespace {

constexpr double kContrastTemperature = 0.1;  // NT-Xent over cosine similarities, as SimCLR

}  // namespace

at::Tensor reasoningMask(const at::Tensor& items, int64_t steps, bool lastOnly) {
    // Built on the CPU in one pass (as SasRecImpl::attentionMask), then moved by the caller.
    const at::Tensor ids = items.to(at::kCPU, at::kLong).contiguous();
    const int64_t b = ids.size(0), t = ids.size(1), p = lastOnly ? 1 : t, l = t + steps * p;
    const int64_t* id = ids.data_ptr<int64_t>();
    const float blocked = -std::numeric_limits<float>::infinity();
    at::Tensor mask = at::empty({b, l, l}, at::TensorOptions().dtype(at::kFloat));
    float* out = mask.data_ptr<float>();
    for (int64_t r = 0; r < b; ++r) {
        const int64_t* row = id + r * t;
        for (int64_t q = 0; q < l; ++q) {
            // The item position a query stands for, its reasoning step (0 for an item) and slot.
            const bool reasoning = q >= t;
            const int64_t slot = reasoning ? (q - t) % p : 0;
            const int64_t step = reasoning ? (q - t) / p + 1 : 0;
            const int64_t position = reasoning ? (lastOnly ? t - 1 : slot) : q;
            for (int64_t c = 0; c < l; ++c) {
                bool allowed;
                if (c < t) {
                    // Items up to the position; padding keys never, but an item query's own slot.
                    allowed = c <= position && (row[c] != 0 || (!reasoning && c == q));
                } else {
                    // The same position's reasoning tokens up to this step (a query sees itself).
                    allowed = reasoning && (c - t) % p == slot && (c - t) / p + 1 <= step;
                }
                *out++ = allowed ? 0.0f : blocked;
            }
        }
    }
    return mask;
}

std::vector<at::Tensor> reasoningStates(SasRecImpl& net, const at::Tensor& items, int64_t steps, bool lastOnly,
                                        at::Generator* generator, double noise, std::vector<at::Tensor>* attentions) {
    if (steps > 0 && (!net.reasoningPosition || net.reasoningPosition->weight.size(0) < steps))
        throw std::invalid_argument("rearec: the network has no reasoning position for every step");
    const int64_t t = items.size(1);
    const at::Tensor x = net.embed(items, generator);
    const bool lastPassAttention = attentions != nullptr;
    SasRecOutput pass = runLayerStack(net.blocks, net.finalNorm, x, net.attentionMask(items), generator,
                                      lastPassAttention && steps == 0);
    std::vector<at::Tensor> states{lastOnly ? pass.hidden.narrow(1, t - 1, 1) : pass.hidden};
    std::vector<at::Tensor> sequence{x};
    for (int64_t k = 1; k <= steps; ++k) {
        // The previous step's output, marked with this step's position, becomes the next input.
        at::Tensor token = states.back() + net.reasoningPosition->weight[k - 1];
        if (noise > 0.0) {
            c10::optional<at::Generator> source;
            if (generator != nullptr) source = *generator;
            const at::Tensor draw = at::normal(0.0, noise, token.sizes(), source, at::TensorOptions().dtype(at::kFloat));
            token = token + draw.to(token.device(), token.scalar_type());
        }
        sequence.push_back(token);
        const at::Tensor mask = reasoningMask(items, k, lastOnly).to(x.device(), x.scalar_type());
        pass = runLayerStack(net.blocks, net.finalNorm, at::cat(sequence, 1), mask, generator,
                             lastPassAttention && k == steps);
        const int64_t p = token.size(1);
        states.push_back(pass.hidden.narrow(1, t + (k - 1) * p, p));
    }
    if (attentions != nullptr) *attentions = pass.attentions;
    return states;
}

at::Tensor reasonedUser(const std::vector<at::Tensor>& states, const ReasoningSettings& settings) {
    if (settings.progressive) return states.back();
    return at::stack(states, 0).mean(0);
}

at::Tensor reasoningLoss(const SasRecImpl& net, const std::vector<at::Tensor>& states, const at::Tensor& targets,
                         const at::Tensor& lastStates, const at::Tensor& noisyLastStates,
                         const ReasoningSettings& settings) {
    const at::Tensor labels = targets - 1;
    if (!settings.progressive) {
        const at::Tensor loss = at::nll_loss(at::log_softmax(net.scoreAll(reasonedUser(states, settings)), 1), labels);
        if (settings.diversityWeight <= 0.0 || states.size() < 2) return loss;
        // Mean divergence between consecutive steps' item distributions, subtracted to keep the steps
        // apart. Jensen-Shannon, not the paper's KL: it is bounded (log 2), where maximising an
        // unbounded KL let the steps drift apart and ranking collapse on Beauty (see the header).
        at::Tensor previous = at::log_softmax(net.scoreAll(states.front()), 1);
        at::Tensor divergence = at::zeros({}, loss.options());
        for (size_t k = 1; k < states.size(); ++k) {
            const at::Tensor current = at::log_softmax(net.scoreAll(states[k]), 1);
            const at::Tensor middle = at::logaddexp(previous, current) - std::log(2.0);
            const at::Tensor js = 0.5 * (previous.exp() * (previous - middle) + current.exp() * (current - middle)).sum(1);
            divergence = divergence + js.mean();
            previous = current;
        }
        return loss - settings.diversityWeight * divergence / static_cast<double>(states.size() - 1);
    }
    at::Tensor loss = at::zeros({}, states.front().options());
    for (size_t k = 0; k < states.size(); ++k) {
        const double tau = settings.temperature * std::pow(settings.temperatureDecay, static_cast<double>(k));
        loss = loss + at::nll_loss(at::log_softmax(net.scoreAll(states[k]) / tau, 1), labels);
    }
    loss = loss / static_cast<double>(states.size());
    if (settings.contrastWeight <= 0.0 || !lastStates.defined() || lastStates.size(0) < 2) return loss;
    // InfoNCE: each sequence's clean state against its perturbed one, the other states of the batch
    // (clean and perturbed) as negatives.
    const at::Tensor contrast = ntXentLoss(lastStates, noisyLastStates, kContrastTemperature, /*cosine=*/true);
    return loss + settings.contrastWeight * contrast;
}

}  // namespace tokenbench::core
