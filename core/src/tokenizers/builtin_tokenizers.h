#pragma once
// Private: the built-in tokenizers' schemas and factories, gathered by tokenizer_registry.cpp (the
// one place that lists them). Each pair lives in its method's .cpp file.

#include <memory>
#include <string>
#include <utility>

#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

// Residual k-means (GRID's RQ-KMeans): k-means++ init, L levels x K codes.
ComponentInfo rqKmeansInfo();
std::unique_ptr<Tokenizer> makeRqKmeans(const std::string& configJson);

// Residual levels of equal-size clusters (OneRec's balanced k-means).
ComponentInfo balancedKmeansInfo();
std::unique_ptr<Tokenizer> makeBalancedKmeans(const std::string& configJson);

// Uniformly random codes: the control every study needs.
ComponentInfo randomTokenizerInfo();
std::unique_ptr<Tokenizer> makeRandomTokenizer(const std::string& configJson);

// TIGER's RQ-VAE: MLP encoder/decoder, residual codebooks, straight-through estimator.
ComponentInfo rqVaeInfo();
std::unique_ptr<Tokenizer> makeRqVae(const std::string& configJson);

// Single-level VQ-VAE (the RQ-VAE with one codebook).
ComponentInfo vqVaeInfo();
std::unique_ptr<Tokenizer> makeVqVae(const std::string& configJson);

// Graph RQ-VAE (MMGRec): features propagated over the training user-item graph, then the RQ-VAE.
ComponentInfo graphRqVaeInfo();
std::unique_ptr<Tokenizer> makeGraphRqVae(const std::string& configJson);

// Semantic IDs read from a file (config "path", "id_kind") and checked against the fit context's catalogue.
ComponentInfo importInfo();
std::unique_ptr<Tokenizer> makeImportTokenizer(const std::string& configJson);

// Several finished tokenizer runs joined level after level (config "runs"), read through the fit context.
ComponentInfo compositeInfo();
std::unique_ptr<Tokenizer> makeCompositeTokenizer(const std::string& configJson);

/// A tokenizer's registry entry (kind Tokenizer) before its parameters.
inline ComponentInfo tokenizerInfo(std::string id, int version, std::string displayName, std::string description) {
    ComponentInfo info;
    info.id = std::move(id);
    info.version = version;
    info.displayName = std::move(displayName);
    info.kind = ComponentKind::Tokenizer;
    info.description = std::move(description);
    return info;
}

}  // namespace tokenbench::core
