#pragma once
/// Item featurizers: text TF-IDF + truncated SVD, multi-hot attributes, collaborative co-occurrence
/// (PPMI + SVD over training sequences only), imported embeddings, a trained model run's item
/// embedding table (model-embeddings), and concatenations of these.
///
/// Threads: pure functions of their inputs, run on a worker thread; LibTorch does the SVD with the
/// process-wide intra-op thread pool.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/data/split.h"
#include "tokenbench/features/feature_matrix.h"

namespace tokenbench::core {

/// Options of every featurizer; each uses the fields that concern it.
struct FeatureSpec final {
    /// text, text-encoder, attributes, cooccurrence, embeddings, model-embeddings; several = concat
    std::vector<std::string> kinds = {"attributes"};
    int32_t dim = 64;               ///< SVD rank per block (> 0); attributes without SVD keep the vocab size, embeddings the file's width
    uint64_t seed = 0;              ///< randomized SVD
    int32_t svdOversample = 10;
    int32_t svdPowerIterations = 4;
    // text, text-encoder
    std::vector<std::string> textFields = {"title", "attributes"};  ///< title, description, attributes, or an attribute field name
    int32_t minDocumentFrequency = 2;
    double maxDocumentFraction = 0.5;
    // attributes
    std::vector<std::string> attributeFields;  ///< empty: all fields
    bool attributesSvd = true;                 ///< reduce the multi-hot matrix to `dim` with SVD
    // cooccurrence
    int32_t window = 3;                        ///< pairs within this distance in a training sequence
    double cooccurrenceSmoothing = 0.75;       ///< context-distribution smoothing alpha of PPMI (Levy et al. 2015)
    double cooccurrenceSvdPower = 0.5;         ///< rows are U * S^p: 0.5 = U sqrt(S) (Levy et al. 2015), 1 = U S
    // text-encoder
    std::string textEncoderDir;                ///< a sentence-transformers model folder (BERT family) the user supplies
    // embeddings
    std::string embeddingsPath;                ///< .npy (float32/float16), .safetensors or .csv, rows keyed by raw item id
    std::string embeddingsIdsPath;             ///< .npy/.safetensors: text file with one raw item id per row (default: rows in dense item order)
    // model-embeddings
    int64_t modelRunId = 0;                    ///< model run (sasrec, bert4rec) whose item table is taken as it is
    // concat
    std::vector<double> weights;               ///< per kind (default 1); each block is L2-normalised per row first
};

/// JSON of the spec, stored as the feature set's config: the common fields plus those of the chosen kinds.
[[nodiscard]] std::string toJson(const FeatureSpec& spec);
/// Reads toJson's output back (missing keys keep their defaults); throws std::invalid_argument on bad JSON
/// or wrongly typed values. Any thread.
[[nodiscard]] FeatureSpec featureSpecFromJson(const std::string& json);

/// The kinds buildFeatures knows: text, text-encoder, attributes, cooccurrence, embeddings, model-embeddings.
[[nodiscard]] const std::vector<std::string>& featureKinds();

/// Progress (0..1) and cancellation for long builds.
struct FeatureProgress final {
    std::function<void(double, const std::string&)> report;
    const std::atomic<bool>* cancel = nullptr;
};

/// Inputs of kinds that come from outside the data set, supplied by the caller so that features/
/// needs neither the store nor model loading (the jobs pass modelRunItemEmbeddings, run_tools.h).
struct FeatureSources final {
    /// model-embeddings: the item table of model run `runId` (dataset.items rows, dense item order).
    /// Throws std::invalid_argument saying why a run cannot give one.
    std::function<FeatureMatrix(int64_t runId)> modelEmbeddings;
};

/// Builds the features `spec` asks for. The split limits `cooccurrence` to training positions, so no
/// validation or test target leaks into features. Throws DataError for bad embedding files,
/// std::invalid_argument for bad specs (and whatever `sources` throws).
[[nodiscard]] FeatureMatrix buildFeatures(const Dataset& dataset, const DataSplit& split, const FeatureSpec& spec,
                                          const FeatureProgress& progress = {}, const FeatureSources& sources = {});

// The individual featurizers, for tests and for `concat`. Items without any input (no text, no attribute
// in the chosen fields, no training co-occurrence) get exact zero rows.
/// TF-IDF (sublinear tf, smooth idf, unit rows) over the chosen text fields, reduced to `dim` by SVD.
[[nodiscard]] FeatureMatrix textFeatures(const Dataset& dataset, const FeatureSpec& spec);
/// The chosen text fields of every item (dense order), non-empty values joined by "; ": the text the
/// text featurizers read. Throws std::invalid_argument for an unknown field. Any thread.
[[nodiscard]] std::vector<std::string> itemTexts(const Dataset& dataset, const std::vector<std::string>& fields);
/// Sentence embeddings of itemTexts(textFields) by the encoder in spec.textEncoderDir (text_encoder.h),
/// with progress after each batch and cancellation between batches. Throws DataError for bad folders.
[[nodiscard]] FeatureMatrix textEncoderFeatures(const Dataset& dataset, const FeatureSpec& spec,
                                                const FeatureProgress& progress = {});
/// Unit-norm multi-hot over the attribute vocabulary (chosen fields), reduced to `dim` when attributesSvd.
[[nodiscard]] FeatureMatrix attributeFeatures(const Dataset& dataset, const FeatureSpec& spec);
/// PPMI (alpha-smoothed) of item pairs within `window` in training prefixes, rows U * S^cooccurrenceSvdPower.
[[nodiscard]] FeatureMatrix cooccurrenceFeatures(const Dataset& dataset, const DataSplit& split, const FeatureSpec& spec);
/// The file's matrix as it is (no SVD), rows aligned to items by raw id: a .csv carries ids in its first
/// column; an .npy/.safetensors uses embeddingsIdsPath, or without one has exactly one row per item in
/// dense order. Throws DataError naming file, line / row and column.
[[nodiscard]] FeatureMatrix importedEmbeddings(const Dataset& dataset, const FeatureSpec& spec);

/// What importedEmbeddings matched. Rows whose id is not an item are ignored and counted here (all of
/// them unknown is an error); an item without a row is always an error.
struct EmbeddingImportReport final {
    int64_t fileRows = 0;
    int64_t unknownIds = 0;
    std::string firstUnknownId;
};

/// importedEmbeddings that also says what it matched (`report` may be null).
[[nodiscard]] FeatureMatrix importedEmbeddings(const Dataset& dataset, const FeatureSpec& spec,
                                               EmbeddingImportReport* report);

/// Tokens of a text as the text featurizer sees them: lower-cased, split on everything but letters and
/// digits (UTF-8 letters stay in tokens), one-character tokens and English stop words dropped. Any thread.
[[nodiscard]] std::vector<std::string> tokenizeText(const std::string& text);

/// Rank-k truncated SVD by randomized range finding (Halko et al. 2011): returns U_k * S_k (rows x k),
/// the item embedding. `matrix` is rows x cols row-major. When k >= min(rows, cols) it is reduced.
/// `singularValuePower` p gives U_k * S_k^p instead (0.5 for PPMI embeddings). Each component's sign
/// makes its largest-magnitude entry positive. Deterministic for a seed and thread count.
[[nodiscard]] FeatureMatrix truncatedSvd(const FeatureMatrix& matrix, int32_t k, uint64_t seed,
                                         int32_t oversample = 10, int32_t powerIterations = 4,
                                         double singularValuePower = 1.0);

/// Sparse rows x cols matrix in CSR form, the input of TF-IDF, multi-hot and PPMI before SVD.
struct SparseMatrix final {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<int64_t> rowStart;  ///< rows + 1 entries
    std::vector<int32_t> colIndex;
    std::vector<float> values;
};

/// Randomized truncated SVD of a sparse matrix (same output as truncatedSvd on its dense form).
[[nodiscard]] FeatureMatrix truncatedSvd(const SparseMatrix& matrix, int32_t k, uint64_t seed,
                                         int32_t oversample = 10, int32_t powerIterations = 4,
                                         double singularValuePower = 1.0);

/// Scales every row to unit L2 norm (zero rows stay zero).
void normalizeRows(FeatureMatrix& matrix);

}  // namespace tokenbench::core
