// ICLRec's intents: see intent_clusters.h.
#include "models/intent_clusters.h"

#include <algorithm>

#include <ATen/ATen.h>

#include "tokenizers/kmeans.h"

namespace tokenbench::core {

namespace {
constexpr int64_t kLloydIterations = 20;  // the intents move little between epochs; a few steps place them
}  // namespace

IntentClusters fitIntents(const at::Tensor& representations, int64_t intents, uint64_t seed) {
    IntentClusters clusters;
    const int64_t n = representations.size(0);
    if (n == 0) return clusters;
    KMeansOptions options;
    options.clusters = std::max<int64_t>(1, std::min(intents, n));
    options.iterations = kLloydIterations;
    options.seed = seed;
    const KMeansResult result = fitKMeans(representations.detach().to(at::kFloat).contiguous(), options);
    clusters.prototypes = result.centroids.to(representations.scalar_type());
    const at::Tensor assignment = result.assignment.to(at::kCPU, at::kLong).contiguous();
    clusters.intentOf.assign(assignment.data_ptr<int64_t>(), assignment.data_ptr<int64_t>() + n);
    return clusters;
}

at::Tensor intentContrastLoss(const at::Tensor& views, const at::Tensor& prototypes, const at::Tensor& intents,
                              double temperature) {
    const at::Tensor logits = at::matmul(views, prototypes.detach().t()) / temperature;
    return at::nll_loss(at::log_softmax(logits, 1), intents);
}

}  // namespace tokenbench::core
