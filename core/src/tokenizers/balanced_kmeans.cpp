// Balanced residual k-means (OneRec Technical Report, Kuaishou 2025: RQ-Kmeans with balanced
// clusters): every level splits the items into equal-size clusters, so codes are used evenly and
// semantic IDs collide less. The tokenizer itself is the residual k-means of rq_kmeans.cpp.
#include "tokenizers/builtin_tokenizers.h"
#include "tokenizers/kmeans.h"

namespace tokenbench::core {

ComponentInfo balancedKmeansInfo() {
    ComponentInfo info = tokenizerInfo("balanced-kmeans", 1, "Balanced k-means",
        "Residual k-means whose clusters are equal in size at every level (OneRec's balanced k-means): "
        "items take their nearest centroid with room, most-constrained first. Fitted items keep their "
        "balanced codes when encoded again; new items get their nearest centroid per level.");
    info.params = residualKMeansParams();
    info.trainsInSteps = false;  // k-means level by level: its figures are per level
    return info;
}

std::unique_ptr<Tokenizer> makeBalancedKmeans(const std::string& configJson) {
    return makeResidualKMeans(balancedKmeansInfo(), configJson, /*balanced=*/true);
}

}  // namespace tokenbench::core
