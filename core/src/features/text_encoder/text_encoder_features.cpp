// Feature kind "text-encoder": item texts through a sentence encoder loaded from the spec's folder.
#include "tokenbench/features/featurizers.h"
#include "tokenbench/features/text_encoder.h"

namespace tokenbench::core {

FeatureMatrix textEncoderFeatures(const Dataset& dataset, const FeatureSpec& spec, const FeatureProgress& progress) {
    const std::vector<std::string> texts = itemTexts(dataset, spec.textFields);
    const SentenceEncoder encoder(spec.textEncoderDir);
    return encoder.encode(texts, progress);
}

}  // namespace tokenbench::core
