#pragma once
/// What can be done with a finished model run: evaluate it again, look at its attention, export it,
/// take its item embeddings.
/// Each call opens the project's store itself and runs on the calling thread (a GUI worker or the CLI).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// Evaluates a finished model run again from its best checkpoint (the `eval` command). Phase
/// "valid" or "test". Throws std::invalid_argument / DataError with a clear message.
[[nodiscard]] EvalReport evaluateRun(const std::string& projectDir, int64_t runId, const std::string& phase,
                                     const EvalOptions& options, std::map<std::string, double>* evalStats = nullptr);

/// A generative model's beam against its exact ranking (every item scored by its whole ID's
/// log-likelihood), both on the same deterministic sample of targets.
struct ExactComparison final {
    int64_t users = 0;                       ///< targets in the sample
    EvalReport exact;                        ///< ranking by exact scores
    EvalReport beam;                         ///< the model's own ranking (its beam search)
    std::map<std::string, double> beamStats; ///< the model's figures of that beam (invalid_rate...)
    double exactSeconds = 0.0;
    double beamSeconds = 0.0;
};

/// Ranks `sampleUsers` targets of the phase (evenly spaced over them; 0 = all) both ways and stores
/// the figures with the run as metric points of the phase's split at its best epoch: "exact/<metric>"
/// for the exact ranking and "exact_beam/<metric>" for the beam on the same sample, plus
/// "exact/users". Throws std::invalid_argument for a model without exact scores (see
/// Recommender::scoresExactly).
[[nodiscard]] ExactComparison compareWithExactRanking(const std::string& projectDir, int64_t runId,
                                                      const std::string& phase, const EvalOptions& options,
                                                      int64_t sampleUsers);

/// Attention maps of a model run's best checkpoint for one user's history (the history the test
/// phase sees), stored in the run's attention maps and returned. `userRawId` is the data set's raw
/// user id, or "#N" for dense index N.
[[nodiscard]] std::vector<AttentionMap> computeAttention(const std::string& projectDir, int64_t runId,
                                                         const std::string& userRawId);

/// Attention maps of a model run's best checkpoint for a typed history: raw item ids of the run's
/// data set, oldest first. Not stored (the store keys maps by user). Throws std::invalid_argument
/// naming an unknown item.
[[nodiscard]] std::vector<AttentionMap> computeAttentionForItems(const std::string& projectDir, int64_t runId,
                                                                 const std::vector<std::string>& itemRawIds);

/// Writes the run's best model to `outDir` (weights.safetensors, config.json, items.json with the raw
/// item id of each dense index, and semantic_ids.json for generative models); returns the files written.
std::vector<std::string> exportModelRun(const std::string& projectDir, int64_t runId, const std::string& outDir);

/// The item embedding table of a model run's best checkpoint (Recommender::itemEmbeddings: items x
/// dim, dense item order), the source of the `model-embeddings` feature kind. `datasetId` is the data
/// set the features are for; the run must have been trained on it. Throws std::invalid_argument
/// saying what is wrong: no such run, a tokenizer run, a run of another data set, a model without an
/// item table (popularity, tiger), a run without a checkpoint.
[[nodiscard]] FeatureMatrix modelRunItemEmbeddings(const std::string& projectDir, int64_t runId, int64_t datasetId);

}  // namespace tokenbench::core
