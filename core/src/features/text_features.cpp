// Text featurizer: TF-IDF over the chosen item text fields, then a randomized truncated SVD (LSA).
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/utf8.h"

namespace tokenbench::core {

namespace {

// A short English stop-word list (the classic SMART/sklearn core); one-letter words go anyway.
const std::set<std::string> kStopWords = {
    "about", "after", "all",   "also", "am",   "an",    "and",   "any",  "are",  "as",   "at",  "be",
    "been",  "but",   "by",    "can",  "did",  "do",    "does",  "for",  "from", "had",  "has", "have",
    "he",    "her",   "his",   "how",  "if",   "in",    "into",  "is",   "it",   "its",  "me",  "more",
    "my",    "no",    "not",   "of",   "on",   "or",    "our",   "out",  "over", "she",  "so",  "than",
    "that",  "the",   "their", "them", "then", "there", "these", "they", "this", "to",   "too", "up",
    "us",    "was",   "we",    "were", "what", "when",  "which", "who",  "will", "with", "you", "your",
};

/// Whether a non-ASCII code point separates tokens: punctuation, symbols, spaces and emoji blocks.
/// Everything else above U+007F counts as a letter (no ICU in core; good enough for TF-IDF).
bool isNonAsciiSeparator(char32_t cp) {
    if (cp <= 0xBF) return cp != 0xAA && cp != 0xB5 && cp != 0xBA;  // C1 controls, Latin-1 punctuation
    if (cp == 0xD7 || cp == 0xF7 || cp == 0xFFFD || cp == 0xFEFF) return true;
    const std::pair<char32_t, char32_t> kRanges[] = {
        {0x2000, 0x206F}, {0x20A0, 0x20CF}, {0x2190, 0x23FF}, {0x2500, 0x27BF}, {0x2900, 0x2BFF}, {0x3000, 0x303F},
        {0xFE30, 0xFE4F}, {0xFF00, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, {0x1F000, 0x1FAFF},
    };
    for (const auto& [first, last] : kRanges) {
        if (cp >= first && cp <= last) return true;
    }
    return false;
}

/// Lower case for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
char32_t toLower(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
    if (cp >= 0x100 && cp <= 0x137) return (cp % 2 == 0) ? cp + 1 : cp;
    if (cp >= 0x139 && cp <= 0x148) return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp >= 0x14A && cp <= 0x177) return (cp % 2 == 0) ? cp + 1 : cp;
    if (cp == 0x178) return 0xFF;
    if (cp >= 0x179 && cp <= 0x17E) return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;
    if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
    return cp;
}

/// Text of one item for the chosen fields, one string per field value.
std::vector<const std::string*> itemTexts(const Dataset& dataset, const ItemInfo& item, bool title, bool description,
                                          bool allAttributes, const std::set<std::string>& attributeFields) {
    std::vector<const std::string*> texts;
    if (title) texts.push_back(&item.title);
    if (description) texts.push_back(&item.description);
    for (int32_t a : item.attributes) {
        if (a < 0 || static_cast<size_t>(a) >= dataset.attributeVocab.size())
            throw std::invalid_argument("text features: item '" + item.rawId + "' has attribute index " +
                                        std::to_string(a) + " outside the vocabulary");
        const AttributeValue& value = dataset.attributeVocab[static_cast<size_t>(a)];
        if (allAttributes) texts.push_back(&value.name);
        if (attributeFields.count(value.field) != 0) texts.push_back(&value.name);
    }
    return texts;
}

/// The chosen text fields resolved against the data set's attribute fields.
struct TextFieldChoice {
    bool title = false;
    bool description = false;
    bool allAttributes = false;
    std::set<std::string> attributeFields;
};

TextFieldChoice resolveTextFields(const Dataset& dataset, const std::vector<std::string>& fields, const char* who) {
    if (fields.empty()) throw std::invalid_argument(std::string(who) + ": no text fields chosen");
    std::set<std::string> knownFields;
    for (const AttributeValue& value : dataset.attributeVocab) knownFields.insert(value.field);
    TextFieldChoice c;
    for (const std::string& field : fields) {
        if (field == "title")
            c.title = true;
        else if (field == "description")
            c.description = true;
        else if (field == "attributes")
            c.allAttributes = true;
        else if (knownFields.count(field) != 0)
            c.attributeFields.insert(field);
        else {
            std::string known;
            for (const std::string& f : knownFields) known += ", " + f;
            throw std::invalid_argument(std::string(who) + ": unknown text field '" + field +
                                        "' (expected title, description, attributes" + known + ")");
        }
    }
    return c;
}

}  // namespace

std::vector<std::string> itemTexts(const Dataset& dataset, const std::vector<std::string>& fields) {
    const TextFieldChoice c = resolveTextFields(dataset, fields, "item text");
    std::vector<std::string> out;
    out.reserve(dataset.items.size());
    for (const ItemInfo& item : dataset.items) {
        std::string joined;
        for (const std::string* text :
             itemTexts(dataset, item, c.title, c.description, c.allAttributes, c.attributeFields)) {
            if (text->empty()) continue;
            joined += (joined.empty() ? "" : "; ") + *text;
        }
        out.push_back(std::move(joined));
    }
    return out;
}

std::vector<std::string> tokenizeText(const std::string& text) {
    std::vector<std::string> tokens;
    std::string current;
    size_t letters = 0;
    auto flush = [&] {
        if (letters > 1 && kStopWords.count(current) == 0) tokens.push_back(current);
        current.clear();
        letters = 0;
    };
    size_t pos = 0;
    while (pos < text.size()) {
        const char32_t cp = decodeUtf8(text, pos);
        const bool part = cp < 0x80 ? ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
                                    : !isNonAsciiSeparator(cp);
        if (!part) {
            flush();
            continue;
        }
        appendUtf8(current, toLower(cp));
        ++letters;
    }
    flush();
    return tokens;
}

FeatureMatrix textFeatures(const Dataset& dataset, const FeatureSpec& spec) {
    if (spec.dim <= 0) throw std::invalid_argument("text features: dim must be > 0");
    if (spec.minDocumentFrequency < 1) throw std::invalid_argument("text features: minDocumentFrequency must be >= 1");
    if (!(spec.maxDocumentFraction > 0.0 && spec.maxDocumentFraction <= 1.0))
        throw std::invalid_argument("text features: maxDocumentFraction must be in (0, 1]");

    const TextFieldChoice choice = resolveTextFields(dataset, spec.textFields, "text features");
    const bool title = choice.title;
    const bool description = choice.description;
    const bool allAttributes = choice.allAttributes;
    const std::set<std::string>& attributeFields = choice.attributeFields;

    // Term counts per document, with terms interned in first-seen order for now.
    const auto n = static_cast<int64_t>(dataset.items.size());
    std::unordered_map<std::string, int32_t> intern;
    std::vector<std::string> terms;
    std::vector<int64_t> documentFrequency;
    std::vector<std::vector<std::pair<int32_t, int32_t>>> counts(static_cast<size_t>(n));  // (term, tf)
    for (int64_t i = 0; i < n; ++i) {
        const ItemInfo& item = dataset.items[static_cast<size_t>(i)];
        std::vector<int32_t> ids;
        for (const std::string* text : itemTexts(dataset, item, title, description, allAttributes, attributeFields)) {
            for (std::string& token : tokenizeText(*text)) {
                const auto [it, inserted] = intern.emplace(std::move(token), static_cast<int32_t>(terms.size()));
                if (inserted) terms.push_back(it->first), documentFrequency.push_back(0);
                ids.push_back(it->second);
            }
        }
        std::sort(ids.begin(), ids.end());
        auto& row = counts[static_cast<size_t>(i)];
        for (size_t p = 0; p < ids.size();) {
            size_t q = p;
            while (q < ids.size() && ids[q] == ids[p]) ++q;
            row.emplace_back(ids[p], static_cast<int32_t>(q - p));
            ++documentFrequency[static_cast<size_t>(ids[p])];
            p = q;
        }
    }

    // Vocabulary in alphabetical order (independent of item order), pruned by document frequency.
    const double maxDf = spec.maxDocumentFraction * static_cast<double>(n);
    std::vector<int32_t> kept;
    for (size_t t = 0; t < terms.size(); ++t) {
        const auto df = documentFrequency[t];
        if (df >= spec.minDocumentFrequency && static_cast<double>(df) <= maxDf)
            kept.push_back(static_cast<int32_t>(t));
    }
    if (kept.empty())
        throw std::invalid_argument("text features: no term is in at least " +
                                    std::to_string(spec.minDocumentFrequency) + " and at most " +
                                    std::to_string(spec.maxDocumentFraction * 100.0) + "% of the items (" +
                                    std::to_string(terms.size()) + " distinct terms in the chosen fields)");
    std::sort(kept.begin(), kept.end(),
              [&](int32_t a, int32_t b) { return terms[static_cast<size_t>(a)] < terms[static_cast<size_t>(b)]; });
    std::vector<int32_t> column(terms.size(), -1);
    std::vector<double> idf(kept.size());
    for (size_t c = 0; c < kept.size(); ++c) {
        column[static_cast<size_t>(kept[c])] = static_cast<int32_t>(c);
        // Smooth idf as in scikit-learn: ln((1 + n) / (1 + df)) + 1.
        idf[c] = std::log((1.0 + static_cast<double>(n)) /
                          (1.0 + static_cast<double>(documentFrequency[static_cast<size_t>(kept[c])]))) +
                 1.0;
    }

    SparseMatrix tfidf;
    tfidf.rows = n;
    tfidf.cols = static_cast<int64_t>(kept.size());
    tfidf.rowStart.reserve(static_cast<size_t>(n) + 1);
    tfidf.rowStart.push_back(0);
    std::vector<std::pair<int32_t, double>> row;
    for (int64_t i = 0; i < n; ++i) {
        row.clear();
        for (const auto& [term, tf] : counts[static_cast<size_t>(i)]) {
            const int32_t c = column[static_cast<size_t>(term)];
            // Sublinear tf (1 + ln tf) keeps a repeated word from dominating a row.
            if (c >= 0) row.emplace_back(c, (1.0 + std::log(static_cast<double>(tf))) * idf[static_cast<size_t>(c)]);
        }
        std::sort(row.begin(), row.end());
        double norm = 0.0;
        for (const auto& entry : row) norm += entry.second * entry.second;
        norm = norm > 0 ? std::sqrt(norm) : 1.0;
        for (const auto& [c, w] : row) {
            tfidf.colIndex.push_back(c);
            tfidf.values.push_back(static_cast<float>(w / norm));
        }
        tfidf.rowStart.push_back(static_cast<int64_t>(tfidf.colIndex.size()));
    }
    return truncatedSvd(tfidf, spec.dim, spec.seed, spec.svdOversample, spec.svdPowerIterations);
}

}  // namespace tokenbench::core
