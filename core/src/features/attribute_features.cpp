// Attribute featurizer: L2-normalised multi-hot over the attribute vocabulary, optionally reduced by SVD.
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tokenbench::core {

FeatureMatrix attributeFeatures(const Dataset& dataset, const FeatureSpec& spec) {
    if (spec.attributesSvd && spec.dim <= 0) throw std::invalid_argument("attribute features: dim must be > 0");
    std::set<std::string> knownFields;
    for (const AttributeValue& value : dataset.attributeVocab) knownFields.insert(value.field);
    const std::set<std::string> fields(spec.attributeFields.begin(), spec.attributeFields.end());
    for (const std::string& field : fields) {
        if (knownFields.count(field) == 0) {
            std::string known;
            for (const std::string& f : knownFields) known += (known.empty() ? "" : ", ") + f;
            throw std::invalid_argument("attribute features: unknown attribute field '" + field +
                                        "' (the data set has: " + (known.empty() ? std::string("none") : known) + ")");
        }
    }

    // Columns: the vocabulary entries of the chosen fields, in vocabulary order.
    std::vector<int32_t> column(dataset.attributeVocab.size(), -1);
    int32_t columns = 0;
    for (size_t a = 0; a < dataset.attributeVocab.size(); ++a) {
        if (fields.empty() || fields.count(dataset.attributeVocab[a].field) != 0) column[a] = columns++;
    }
    if (columns == 0)
        throw std::invalid_argument("attribute features: the data set has no attribute values in the chosen fields");

    SparseMatrix multiHot;
    multiHot.rows = static_cast<int64_t>(dataset.items.size());
    multiHot.cols = columns;
    multiHot.rowStart.push_back(0);
    std::vector<int32_t> row;
    for (const ItemInfo& item : dataset.items) {
        row.clear();
        for (int32_t a : item.attributes) {
            if (a < 0 || static_cast<size_t>(a) >= column.size())
                throw std::invalid_argument("attribute features: item '" + item.rawId + "' has attribute index " +
                                            std::to_string(a) + " outside the vocabulary");
            if (column[static_cast<size_t>(a)] >= 0) row.push_back(column[static_cast<size_t>(a)]);
        }
        std::sort(row.begin(), row.end());
        row.erase(std::unique(row.begin(), row.end()), row.end());
        const float value = row.empty() ? 0.0f : static_cast<float>(1.0 / std::sqrt(static_cast<double>(row.size())));
        for (int32_t c : row) {
            multiHot.colIndex.push_back(c);
            multiHot.values.push_back(value);
        }
        multiHot.rowStart.push_back(static_cast<int64_t>(multiHot.colIndex.size()));
    }
    if (spec.attributesSvd)
        return truncatedSvd(multiHot, spec.dim, spec.seed, spec.svdOversample, spec.svdPowerIterations);

    FeatureMatrix dense;
    dense.rows = multiHot.rows;
    dense.dim = columns;
    dense.values.assign(static_cast<size_t>(dense.rows * dense.dim), 0.0f);
    for (int64_t i = 0; i < dense.rows; ++i) {
        for (int64_t p = multiHot.rowStart[static_cast<size_t>(i)]; p < multiHot.rowStart[static_cast<size_t>(i + 1)];
             ++p)
            dense.row(i)[multiHot.colIndex[static_cast<size_t>(p)]] = multiHot.values[static_cast<size_t>(p)];
    }
    return dense;
}

}  // namespace tokenbench::core
