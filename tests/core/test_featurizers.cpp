#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <QObject>
#include <QtTest>

#include "expect_error.h"
#include "temp_project.h"
#include "test_data.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"

using namespace tokenbench::core;

using tokenbench::test::contains;
using tokenbench::test::thrownError;

namespace {

using tokenbench::test::TestRng;

using Dense = std::vector<std::vector<double>>;  // [row][col]

/// n x k matrix with orthonormal columns (Gram-Schmidt of random columns), stored [row][col].
Dense orthonormalColumns(int n, int k, uint64_t seed) {
    TestRng rng(seed);
    Dense q(static_cast<size_t>(n), std::vector<double>(static_cast<size_t>(k)));
    for (int c = 0; c < k; ++c) {
        std::vector<double> v(static_cast<size_t>(n));
        for (double& x : v) x = rng.next();
        for (int pass = 0; pass < 2; ++pass) {
            for (int p = 0; p < c; ++p) {
                double dot = 0;
                for (int i = 0; i < n; ++i)
                    dot += v[static_cast<size_t>(i)] * q[static_cast<size_t>(i)][static_cast<size_t>(p)];
                for (int i = 0; i < n; ++i)
                    v[static_cast<size_t>(i)] -= dot * q[static_cast<size_t>(i)][static_cast<size_t>(p)];
            }
        }
        double norm = 0;
        for (double x : v) norm += x * x;
        norm = std::sqrt(norm);
        for (int i = 0; i < n; ++i)
            q[static_cast<size_t>(i)][static_cast<size_t>(c)] = v[static_cast<size_t>(i)] / norm;
    }
    return q;
}

/// rows x cols matrix P diag(s) Q^T with known singular values s.
FeatureMatrix withSingularValues(int rows, int cols, const std::vector<double>& s, uint64_t seed) {
    const int k = static_cast<int>(s.size());
    const Dense p = orthonormalColumns(rows, k, seed);
    const Dense q = orthonormalColumns(cols, k, seed + 1);
    FeatureMatrix m;
    m.rows = rows;
    m.dim = cols;
    m.values.resize(static_cast<size_t>(rows * cols));
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) {
            double v = 0;
            for (int c = 0; c < k; ++c)
                v += p[static_cast<size_t>(i)][static_cast<size_t>(c)] * s[static_cast<size_t>(c)] *
                     q[static_cast<size_t>(j)][static_cast<size_t>(c)];
            m.values[static_cast<size_t>(i * cols + j)] = static_cast<float>(v);
        }
    }
    return m;
}

double columnNorm(const FeatureMatrix& m, int64_t c) {
    double sum = 0;
    for (int64_t i = 0; i < m.rows; ++i) sum += static_cast<double>(m.row(i)[c]) * m.row(i)[c];
    return std::sqrt(sum);
}

double rowNorm(const FeatureMatrix& m, int64_t i, int64_t from = 0, int64_t to = -1) {
    if (to < 0) to = m.dim;
    double sum = 0;
    for (int64_t d = from; d < to; ++d) sum += static_cast<double>(m.row(i)[d]) * m.row(i)[d];
    return std::sqrt(sum);
}

double cosine(const FeatureMatrix& m, int64_t a, int64_t b) {
    double dot = 0;
    for (int64_t d = 0; d < m.dim; ++d) dot += static_cast<double>(m.row(a)[d]) * m.row(b)[d];
    return dot / (rowNorm(m, a) * rowNorm(m, b));
}

/// Mean cosine of pairs with the same label and of pairs with different labels (zero rows skipped).
std::pair<double, double> sameVersusDifferent(const FeatureMatrix& m, const std::vector<int32_t>& label) {
    double same = 0, different = 0;
    int64_t sameCount = 0, differentCount = 0;
    for (int64_t a = 0; a < m.rows; ++a) {
        if (rowNorm(m, a) == 0) continue;
        for (int64_t b = a + 1; b < m.rows; ++b) {
            if (rowNorm(m, b) == 0) continue;
            const double c = cosine(m, a, b);
            if (label[static_cast<size_t>(a)] == label[static_cast<size_t>(b)])
                same += c, ++sameCount;
            else
                different += c, ++differentCount;
        }
    }
    return {same / static_cast<double>(std::max<int64_t>(1, sameCount)),
            different / static_cast<double>(std::max<int64_t>(1, differentCount))};
}

SyntheticData smallSynthetic() {
    tokenbench::core::SyntheticConfig config;
    config.users = 300;
    config.items = 120;
    config.branching = {3, 2, 2};
    return tokenbench::core::generateSynthetic(config);
}

DataSplit leaveOneOut(const Dataset& dataset) {
    return tokenbench::core::makeSplit(dataset, {});
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <typename T>
std::string bytesOf(const std::vector<T>& values) {
    std::string out(values.size() * sizeof(T), '\0');
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

std::string littleEndian(uint64_t value, int width) {
    std::string out;
    for (int i = 0; i < width; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
    return out;
}

/// An .npy file; `header` overrides the generated dict when not empty.
std::string npyFile(const std::string& descr, int64_t rows, int64_t cols, const std::string& data, int version = 1,
                    std::string header = {}) {
    if (header.empty())
        header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                 std::to_string(cols) + "), }";
    const size_t prefix = version == 1 ? 10 : 12;
    header += std::string((64 - (prefix + header.size() + 1) % 64) % 64, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version);
    out += '\0';
    out += littleEndian(header.size(), version == 1 ? 2 : 4) + header + data;
    return out;
}

std::string safetensorsFile(const std::string& headerJson, const std::string& data) {
    return littleEndian(headerJson.size(), 8) + headerJson + data;
}

/// A data set of `n` items with raw ids id0, id1, ...; no users.
Dataset itemsOnly(int n) {
    Dataset dataset;
    for (int i = 0; i < n; ++i) {
        ItemInfo item;
        item.rawId = "id" + std::to_string(i);
        dataset.items.push_back(item);
    }
    return dataset;
}

/// Row i of the expected embedding of item i: (i, -i/2, 0.25 + i).
std::vector<float> expectedRow(int i) {
    return {static_cast<float>(i), -0.5f * static_cast<float>(i), 0.25f + static_cast<float>(i)};
}

template <typename E>
std::string errorOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("<wrong exception type> ") + e.what();
    }
    return "<no exception>";
}

}  // namespace

class TestFeaturizers final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void svdRecoversKnownLowRankMatrix() {
        const std::vector<double> s = {10.0, 7.0, 5.0, 3.0, 1.0};
        const FeatureMatrix a = withSingularValues(60, 40, s, 11);
        const FeatureMatrix e = truncatedSvd(a, 5, 7);
        QCOMPARE(e.rows, int64_t{60});
        QCOMPARE(e.dim, int64_t{5});
        for (int c = 0; c < 5; ++c) QVERIFY(std::abs(columnNorm(e, c) - s[static_cast<size_t>(c)]) < 1e-4 * s[0]);
        // E E^T = U S^2 U^T must equal A A^T for an exact rank-5 matrix.
        double error = 0, total = 0;
        for (int64_t i = 0; i < a.rows; ++i) {
            for (int64_t j = 0; j < a.rows; ++j) {
                double eet = 0, aat = 0;
                for (int64_t d = 0; d < e.dim; ++d) eet += static_cast<double>(e.row(i)[d]) * e.row(j)[d];
                for (int64_t d = 0; d < a.dim; ++d) aat += static_cast<double>(a.row(i)[d]) * a.row(j)[d];
                error += (eet - aat) * (eet - aat);
                total += aat * aat;
            }
        }
        QVERIFY2(std::sqrt(error / total) < 1e-5, std::to_string(std::sqrt(error / total)).c_str());

        // A full spectrum: the top singular values of a truncated SVD match those of the full SVD.
        std::vector<double> decaying;
        for (int i = 0; i < 50; ++i) decaying.push_back(10.0 * std::pow(0.7, i));
        const FeatureMatrix full = withSingularValues(80, 50, decaying, 5);
        const FeatureMatrix top = truncatedSvd(full, 4, 3);
        QCOMPARE(top.dim, int64_t{4});
        for (int c = 0; c < 4; ++c)
            QVERIFY(std::abs(columnNorm(top, c) - decaying[static_cast<size_t>(c)]) <
                    1e-3 * decaying[static_cast<size_t>(c)]);
        // Components come out orthogonal.
        double dot = 0;
        for (int64_t i = 0; i < top.rows; ++i) dot += static_cast<double>(top.row(i)[0]) * top.row(i)[1];
        QVERIFY(std::abs(dot) < 1e-3);
    }

    void svdIsDeterministicForASeedAndSignNormalised() {
        const FeatureMatrix a = withSingularValues(50, 30, {5, 4, 3, 2, 1, 0.5, 0.25}, 21);
        const FeatureMatrix first = truncatedSvd(a, 4, 99);
        const FeatureMatrix second = truncatedSvd(a, 4, 99);
        QVERIFY(first.values == second.values);
        // Another seed finds the same subspace; the sign convention makes the components agree too.
        const FeatureMatrix other = truncatedSvd(a, 4, 100);
        for (size_t v = 0; v < first.values.size(); ++v) QVERIFY(std::abs(first.values[v] - other.values[v]) < 1e-4);
        for (int64_t c = 0; c < first.dim; ++c) {
            float largest = 0;
            for (int64_t i = 0; i < first.rows; ++i) {
                if (std::abs(first.row(i)[c]) > std::abs(largest)) largest = first.row(i)[c];
            }
            QVERIFY(largest > 0);
        }
        // The power option scales by S^p: p = 0 gives unit-norm columns.
        const FeatureMatrix u = truncatedSvd(a, 3, 99, 10, 4, 0.0);
        for (int c = 0; c < 3; ++c) QVERIFY(std::abs(columnNorm(u, c) - 1.0) < 1e-5);
    }

    void sparseAndDenseSvdAgree() {
        TestRng rng(5);
        SparseMatrix sparse;
        sparse.rows = 70;
        sparse.cols = 90;
        sparse.rowStart.push_back(0);
        FeatureMatrix dense;
        dense.rows = 70;
        dense.dim = 90;
        dense.values.assign(70 * 90, 0.0f);
        for (int i = 0; i < 70; ++i) {
            for (int j = 0; j < 90; ++j) {
                if (rng.next() < -0.8) {  // ~10% dense
                    const auto v = static_cast<float>(rng.next());
                    sparse.colIndex.push_back(j);
                    sparse.values.push_back(v);
                    dense.row(i)[j] = v;
                }
            }
            sparse.rowStart.push_back(static_cast<int64_t>(sparse.colIndex.size()));
        }
        const FeatureMatrix fromSparse = truncatedSvd(sparse, 8, 1);
        const FeatureMatrix fromDense = truncatedSvd(dense, 8, 1);
        QCOMPARE(fromSparse.dim, int64_t{8});
        QCOMPARE(fromDense.dim, int64_t{8});
        double worst = 0;
        for (size_t v = 0; v < fromSparse.values.size(); ++v)
            worst = std::max(worst, static_cast<double>(std::abs(fromSparse.values[v] - fromDense.values[v])));
        QVERIFY2(worst < 1e-4, std::to_string(worst).c_str());

        // k above min(rows, cols) is reduced; bad arguments are rejected.
        SparseMatrix thin = sparse;
        thin.cols = 90;
        QCOMPARE(truncatedSvd(dense, 200, 1).dim, int64_t{70});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)truncatedSvd(dense, 0, 1));
        thin.colIndex[0] = 500;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)truncatedSvd(thin, 4, 1));
    }

    void normalizeRowsLeavesZeroRows() {
        FeatureMatrix m;
        m.rows = 3;
        m.dim = 2;
        m.values = {3, 4, 0, 0, -1, 0};
        tokenbench::core::normalizeRows(m);
        QCOMPARE(m.values, (std::vector<float>{0.6f, 0.8f, 0, 0, -1, 0}));
    }

    void tokenizerLowercasesAndDropsStopWords() {
        const auto tokens = tokenbench::core::tokenizeText("The CAFÉ-Crème, a NEW día! x 42 “Ünïcode” and of Ωmega");
        QCOMPARE(tokens, (std::vector<std::string>{"café", "crème", "new", "día", "42", "ünïcode", "ωmega"}));
        QVERIFY(tokenbench::core::tokenizeText("  ,,, a i ").empty());
        // Broken UTF-8 splits instead of crashing.
        QCOMPARE(tokenbench::core::tokenizeText(std::string("ab\xC3") + "cd"), (std::vector<std::string>{"ab", "cd"}));
    }

    void textFeaturesSeparateTopCategories() {
        SyntheticData data = smallSynthetic();
        FeatureSpec spec;
        spec.kinds = {"text"};
        spec.dim = 16;
        const FeatureMatrix m = textFeatures(data.dataset, spec);
        QCOMPARE(m.rows, int64_t{120});
        QCOMPARE(m.dim, int64_t{16});
        const auto [same, different] = sameVersusDifferent(m, data.truth.topCategory);
        QVERIFY2(same > different + 0.2, (std::to_string(same) + " vs " + std::to_string(different)).c_str());

        // Titles alone carry the category too (adjectives and nouns belong to categories).
        spec.textFields = {"title"};
        const auto [sameTitle, differentTitle] =
            sameVersusDifferent(textFeatures(data.dataset, spec), data.truth.topCategory);
        QVERIFY2(sameTitle > differentTitle,
                 (std::to_string(sameTitle) + " vs " + std::to_string(differentTitle)).c_str());

        // An item without text gets a zero row; unknown fields are rejected.
        data.dataset.items[7].title.clear();
        data.dataset.items[7].attributes.clear();
        spec.textFields = {"title", "attributes"};
        const FeatureMatrix blank = textFeatures(data.dataset, spec);
        QCOMPARE(rowNorm(blank, 7), 0.0);
        spec.textFields = {"brand"};
        QCOMPARE(textFeatures(data.dataset, spec).rows, int64_t{120});
        spec.textFields = {"colour"};
        QVERIFY(contains(errorOf<std::invalid_argument>([&] { (void)textFeatures(data.dataset, spec); }), "colour"));
    }

    void attributeFeaturesSeparateTopCategories() {
        const SyntheticData data = smallSynthetic();
        FeatureSpec spec;
        spec.dim = 16;
        const FeatureMatrix reduced = attributeFeatures(data.dataset, spec);
        QCOMPARE(reduced.dim, int64_t{16});
        const auto [same, different] = sameVersusDifferent(reduced, data.truth.topCategory);
        QVERIFY2(same > different + 0.2, (std::to_string(same) + " vs " + std::to_string(different)).c_str());

        spec.attributesSvd = false;
        const FeatureMatrix multiHot = attributeFeatures(data.dataset, spec);
        QCOMPARE(multiHot.dim, static_cast<int64_t>(data.dataset.attributeVocab.size()));
        for (int64_t i = 0; i < multiHot.rows; ++i) QVERIFY(std::abs(rowNorm(multiHot, i) - 1.0) < 1e-6);

        spec.attributeFields = {"brand"};
        const FeatureMatrix brands = attributeFeatures(data.dataset, spec);
        const auto brandCount = std::count_if(data.dataset.attributeVocab.begin(), data.dataset.attributeVocab.end(),
                                              [](const auto& v) { return v.field == "brand"; });
        QCOMPARE(brands.dim, static_cast<int64_t>(brandCount));
        for (int64_t i = 0; i < brands.rows; ++i)
            QCOMPARE(std::count_if(brands.row(i), brands.row(i) + brands.dim, [](float v) { return v == 1.0f; }),
                     std::ptrdiff_t{1});
        spec.attributeFields = {"flavour"};
        QVERIFY(
            contains(errorOf<std::invalid_argument>([&] { (void)attributeFeatures(data.dataset, spec); }), "flavour"));
    }

    void cooccurrenceFeaturesSeparateTopCategories() {
        const SyntheticData data = smallSynthetic();
        FeatureSpec spec;
        spec.kinds = {"cooccurrence"};
        spec.dim = 16;
        const FeatureMatrix m = cooccurrenceFeatures(data.dataset, leaveOneOut(data.dataset), spec);
        QCOMPARE(m.rows, int64_t{120});
        QCOMPARE(m.dim, int64_t{16});
        const auto [same, different] = sameVersusDifferent(m, data.truth.topCategory);
        QVERIFY2(same > different + 0.1, (std::to_string(same) + " vs " + std::to_string(different)).c_str());
    }

    void cooccurrenceIgnoresValidationAndTestPositions() {
        // Items 4 and 5 appear only as the validation and test targets (the last two items) of users.
        const std::vector<std::vector<int32_t>> histories = {{0, 1, 2, 3}, {1, 2, 3, 0}, {2, 0, 1, 3}, {3, 1, 0, 2}};
        Dataset withTargets = itemsOnly(6);
        Dataset trainingOnly = itemsOnly(6);
        DataSplit trainingSplit;
        for (size_t u = 0; u < histories.size(); ++u) {
            UserSequence user;
            user.rawId = "u" + std::to_string(u);
            user.items = histories[u];
            trainingOnly.users.push_back(user);
            trainingSplit.users.push_back(
                {static_cast<int32_t>(user.items.size()), static_cast<int32_t>(user.items.size())});
            user.items.push_back(4);
            user.items.push_back(5);
            withTargets.users.push_back(user);
        }
        FeatureSpec spec;
        spec.dim = 3;
        spec.window = 5;
        const FeatureMatrix leaky = cooccurrenceFeatures(withTargets, leaveOneOut(withTargets), spec);
        const FeatureMatrix clean = cooccurrenceFeatures(trainingOnly, trainingSplit, spec);
        QCOMPARE(rowNorm(leaky, 4), 0.0);
        QCOMPARE(rowNorm(leaky, 5), 0.0);
        QVERIFY(leaky.values == clean.values);
        QVERIFY(rowNorm(leaky, 0) > 0);

        // Counting every position would give items 4 and 5 features: the check above is not vacuous.
        DataSplit everything;
        for (const UserSequence& user : withTargets.users)
            everything.users.push_back(
                {static_cast<int32_t>(user.items.size()), static_cast<int32_t>(user.items.size())});
        QVERIFY(rowNorm(cooccurrenceFeatures(withTargets, everything, spec), 4) > 0);
    }

    void importsNpyAlignedByRawIds() {
        tokenbench::test::TempProject project;
        const Dataset dataset = itemsOnly(5);
        // Shuffled rows plus one row for an id the data set does not have.
        const std::vector<int> order = {3, 0, 4, 1, 2};
        std::vector<float> values;
        std::string ids;
        for (int i : order) {
            const auto row = expectedRow(i);
            values.insert(values.end(), row.begin(), row.end());
            ids += "id" + std::to_string(i) + "\n";
        }
        values.insert(values.end(), {9, 9, 9});
        ids += "stranger\n";
        writeFile(project.file("emb.npy"), npyFile("<f4", 6, 3, bytesOf(values), 2));
        writeFile(project.file("ids.txt"), ids);
        FeatureSpec spec;
        spec.embeddingsPath = project.file("emb.npy");
        spec.embeddingsIdsPath = project.file("ids.txt");
        EmbeddingImportReport report;
        const FeatureMatrix m = importedEmbeddings(dataset, spec, &report);
        QCOMPARE(m.rows, int64_t{5});
        QCOMPARE(m.dim, int64_t{3});
        for (int i = 0; i < 5; ++i) QCOMPARE(std::vector<float>(m.row(i), m.row(i) + 3), expectedRow(i));
        QCOMPARE(report.fileRows, int64_t{6});
        QCOMPARE(report.unknownIds, int64_t{1});
        QCOMPARE(report.firstUnknownId, std::string("stranger"));
    }

    void importsHalfFortranAndBfloat16InItemOrder() {
        tokenbench::test::TempProject project;
        const Dataset dataset = itemsOnly(2);
        // 1, -2, 0.25 | 65504 (largest half), 2^-24 (smallest subnormal), -0
        const std::vector<uint16_t> halves = {0x3C00, 0xC000, 0x3400, 0x7BFF, 0x0001, 0x8000};
        writeFile(project.file("half.npy"), npyFile("<f2", 2, 3, bytesOf(halves)));
        FeatureSpec spec;
        spec.embeddingsPath = project.file("half.npy");
        const FeatureMatrix m = importedEmbeddings(dataset, spec);
        QCOMPARE(m.values, (std::vector<float>{1.0f, -2.0f, 0.25f, 65504.0f, std::ldexp(1.0f, -24), -0.0f}));

        // Column-major (Fortran order) float32 is transposed on reading.
        const std::vector<float> columnMajor = {1, 4, 2, 5, 3, 6};
        writeFile(project.file("fortran.npy"), npyFile("", 0, 0, bytesOf(columnMajor), 1,
                                                       "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"));
        spec.embeddingsPath = project.file("fortran.npy");
        QCOMPARE(importedEmbeddings(dataset, spec).values, (std::vector<float>{1, 2, 3, 4, 5, 6}));

        // bfloat16 safetensors: the top half of a float32.
        const std::vector<uint16_t> bf16 = {0x3F80, 0xC000, 0x3E80, 0x4780, 0x0000, 0xBF00};  // 1 -2 0.25 65536 0 -0.5
        writeFile(project.file("bf16.safetensors"),
                  safetensorsFile(R"({"e":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}})", bytesOf(bf16)));
        spec.embeddingsPath = project.file("bf16.safetensors");
        QCOMPARE(importedEmbeddings(dataset, spec).values,
                 (std::vector<float>{1.0f, -2.0f, 0.25f, 65536.0f, 0.0f, -0.5f}));
    }

    void importsSafetensorsAndCsvAlignedByRawIds() {
        tokenbench::test::TempProject project;
        const Dataset dataset = itemsOnly(4);
        std::vector<float> values;
        for (int i = 0; i < 4; ++i) {
            const auto row = expectedRow(i);
            values.insert(values.end(), row.begin(), row.end());
        }
        // A second tensor first in the data; the one named "embeddings" is chosen.
        const std::vector<float> other = {7, 7};
        const std::string header =
            R"({"__metadata__":{"format":"pt"},"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("embeddings":{"dtype":"F32","shape":[4,3],"data_offsets":[8,56]}})";
        writeFile(project.file("emb.safetensors"), safetensorsFile(header, bytesOf(other) + bytesOf(values)));
        FeatureSpec spec;
        spec.embeddingsPath = project.file("emb.safetensors");
        const FeatureMatrix fromSafetensors = importedEmbeddings(dataset, spec);
        QCOMPARE(fromSafetensors.dim, int64_t{3});
        for (int i = 0; i < 4; ++i)
            QCOMPARE(std::vector<float>(fromSafetensors.row(i), fromSafetensors.row(i) + 3), expectedRow(i));

        // CSV with a header, shuffled rows, CRLF line ends and a blank line.
        writeFile(project.file("emb.csv"),
                  "item,x,y,z\r\nid2,2,-1,2.25\r\nid0,0,0,0.25\r\n\r\nid3,3,-1.5,3.25\r\nid1,1,-0.5,1.25\r\n");
        spec.embeddingsPath = project.file("emb.csv");
        const FeatureMatrix fromCsv = importedEmbeddings(dataset, spec);
        for (int i = 0; i < 4; ++i) QCOMPARE(std::vector<float>(fromCsv.row(i), fromCsv.row(i) + 3), expectedRow(i));
    }

    void importErrorsNameTheProblem() {
        tokenbench::test::TempProject project;
        const Dataset dataset = itemsOnly(3);
        FeatureSpec spec;
        const auto importError = [&](const std::string& name, const std::string& bytes) {
            writeFile(project.file(name), bytes);
            spec.embeddingsPath = project.file(name);
            return errorOf<DataError>([&] { (void)importedEmbeddings(dataset, spec); });
        };

        // An item without a row.
        std::string message = importError("missing.csv", "id0,1,2\nid1,3,4\n");
        QVERIFY2(contains(message, "1 items of the data set have no embedding, e.g. 'id2'"), message.c_str());
        // NaN in a binary file names row and column.
        std::vector<float> values(9, 1.0f);
        values[2 * 3 + 1] = std::nanf("");
        message = importError("nan.npy", npyFile("<f4", 3, 3, bytesOf(values)));
        QVERIFY2(contains(message, "row 2") && contains(message, "column 1") && contains(message, "NaN"),
                 message.c_str());
        // NaN in a CSV names line and column.
        writeFile(project.file("nan.csv"), "id0,1,2\nid1,nan,4\nid2,5,6\n");
        spec.embeddingsPath = project.file("nan.csv");
        const auto nanError = thrownError<DataError>([&] { (void)importedEmbeddings(dataset, spec); });
        QVERIFY2(nanError, "no error for NaN");
        QCOMPARE(nanError->line(), int64_t{2});
        QCOMPARE(nanError->column(), int64_t{2});
        // Ragged CSV.
        writeFile(project.file("ragged.csv"), "id0,1,2\nid1,3\nid2,5,6\n");
        spec.embeddingsPath = project.file("ragged.csv");
        const auto raggedError = thrownError<DataError>([&] { (void)importedEmbeddings(dataset, spec); });
        QVERIFY2(raggedError, "no error for a ragged row");
        QCOMPARE(raggedError->line(), int64_t{2});
        QVERIFY(contains(raggedError->message(), "ragged"));
        // Bad .npy headers and dtypes.
        message = importError("bad.npy", npyFile("<f4", 3, 3, bytesOf(values), 1, "{'descr': '<f4', 'shape': (3, 3)}"));
        QVERIFY2(contains(message, "bad .npy header"), message.c_str());
        message = importError("magic.npy", "NUMPY but not really");
        QVERIFY2(contains(message, "bad magic"), message.c_str());
        message = importError("int.npy", npyFile("<i4", 3, 3, bytesOf(values)));
        QVERIFY2(contains(message, "unsupported dtype '<i4'"), message.c_str());
        message = importError("short.npy", npyFile("<f4", 3, 3, bytesOf(values).substr(0, 20)));
        QVERIFY2(contains(message, "truncated"), message.c_str());
        // Truncated safetensors: data cut short, and a header longer than the file.
        const std::string header = R"({"embeddings":{"dtype":"F32","shape":[3,3],"data_offsets":[0,36]}})";
        message = importError("cut.safetensors", safetensorsFile(header, bytesOf(values).substr(0, 30)));
        QVERIFY2(contains(message, "truncated"), message.c_str());
        message = importError("cut2.safetensors", safetensorsFile(header, "").substr(0, 30));
        QVERIFY2(contains(message, "truncated"), message.c_str());
        message = importError(
            "i64.safetensors",
            safetensorsFile(R"({"e":{"dtype":"I64","shape":[3,3],"data_offsets":[0,72]}})", std::string(72, '\0')));
        QVERIFY2(contains(message, "unsupported dtype"), message.c_str());
        // Row count that does not match without an ids file; all ids unknown; unknown extension.
        message = importError("four.npy", npyFile("<f4", 4, 2, std::string(32, '\0')));
        QVERIFY2(contains(message, "4 rows but the data set has 3 items"), message.c_str());
        message = importError("strangers.csv", "x,1\ny,2\n");
        QVERIFY2(contains(message, "none of its 2 ids"), message.c_str());
        message = importError("emb.parquet", "PAR1");
        QVERIFY2(contains(message, "unknown embeddings format"), message.c_str());
    }

    void concatNormalisesAndWeightsBlocks() {
        const SyntheticData data = smallSynthetic();
        FeatureSpec spec;
        spec.kinds = {"attributes", "text", "cooccurrence"};
        spec.dim = 8;
        spec.weights = {1.0, 2.0, 0.5};
        const FeatureMatrix m = buildFeatures(data.dataset, leaveOneOut(data.dataset), spec);
        QCOMPARE(m.rows, int64_t{120});
        QCOMPARE(m.dim, int64_t{24});
        for (int64_t i = 0; i < m.rows; ++i) {
            QVERIFY(std::abs(rowNorm(m, i, 0, 8) - 1.0) < 1e-5);
            QVERIFY(std::abs(rowNorm(m, i, 8, 16) - 2.0) < 1e-5);
            const double last = rowNorm(m, i, 16, 24);
            QVERIFY(last == 0.0 || std::abs(last - 0.5) < 1e-5);
        }
        // A single kind is the featurizer's own output, not normalised.
        spec.kinds = {"attributes"};
        spec.weights.clear();
        const FeatureMatrix single = buildFeatures(data.dataset, leaveOneOut(data.dataset), spec);
        QVERIFY(single.values == attributeFeatures(data.dataset, spec).values);
        // Attributes without SVD keep the vocabulary width inside a concat.
        spec.kinds = {"attributes", "text"};
        spec.attributesSvd = false;
        QCOMPARE(buildFeatures(data.dataset, leaveOneOut(data.dataset), spec).dim,
                 static_cast<int64_t>(data.dataset.attributeVocab.size()) + 8);
    }

    void badSpecsAreRejected() {
        const SyntheticData data = smallSynthetic();
        const DataSplit split = leaveOneOut(data.dataset);
        FeatureSpec spec;
        spec.kinds = {"text", "colour"};
        const std::string message =
            errorOf<std::invalid_argument>([&] { (void)buildFeatures(data.dataset, split, spec); });
        QVERIFY2(contains(message, "'colour'") && contains(message, "text, text-encoder, attributes, cooccurrence, embeddings"),
                 message.c_str());
        spec.kinds = {"text"};
        spec.dim = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)buildFeatures(data.dataset, split, spec));
        spec.dim = 8;
        spec.kinds = {"text", "attributes"};
        spec.weights = {1.0};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)buildFeatures(data.dataset, split, spec));
        spec.weights.clear();
        spec.kinds = {"text", "text"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)buildFeatures(data.dataset, split, spec));
        spec.kinds = {};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)buildFeatures(data.dataset, split, spec));
        spec.kinds = {"embeddings"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)buildFeatures(data.dataset, split, spec));
    }

    void progressIsReportedAndCancelStopsTheBuild() {
        const SyntheticData data = smallSynthetic();
        const DataSplit split = leaveOneOut(data.dataset);
        FeatureSpec spec;
        spec.kinds = {"attributes", "text"};
        spec.dim = 8;
        std::vector<double> fractions;
        std::atomic<bool> cancel{false};
        FeatureProgress progress;
        progress.report = [&](double fraction, const std::string&) { fractions.push_back(fraction); };
        progress.cancel = &cancel;
        (void)buildFeatures(data.dataset, split, spec, progress);
        QVERIFY(fractions.size() >= 3);
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
        QCOMPARE(fractions.back(), 1.0);

        // Cancelled before starting, and cancelled between blocks from the progress callback.
        cancel = true;
        QCOMPARE(errorOf<tokenbench::core::CancelledError>([&] { (void)buildFeatures(data.dataset, split, spec, progress); }),
                 std::string("cancelled"));
        cancel = false;
        fractions.clear();
        progress.report = [&](double fraction, const std::string&) {
            fractions.push_back(fraction);
            cancel = true;
        };
        QCOMPARE(errorOf<tokenbench::core::CancelledError>([&] { (void)buildFeatures(data.dataset, split, spec, progress); }),
                 std::string("cancelled"));
        QCOMPARE(fractions.size(), size_t{1});
    }

    void specJsonRoundTrips() {
        FeatureSpec spec;
        spec.kinds = {"text", "cooccurrence", "embeddings"};
        spec.dim = 32;
        spec.seed = 18446744073709551615ULL;
        spec.textFields = {"title", "genre"};
        spec.window = 5;
        spec.cooccurrenceSvdPower = 1.0;
        spec.embeddingsPath = "emb.npy";
        spec.weights = {1.0, 0.5, 2.0};
        const std::string json = tokenbench::core::toJson(spec);
        QVERIFY(contains(json, "\"text_fields\":[\"title\",\"genre\"]"));
        QVERIFY(!contains(json, "attributes_svd"));  // attributes are not used
        const FeatureSpec back = tokenbench::core::featureSpecFromJson(json);
        QCOMPARE(back.kinds, spec.kinds);
        QCOMPARE(back.seed, spec.seed);
        QCOMPARE(back.textFields, spec.textFields);
        QCOMPARE(back.window, 5);
        QCOMPARE(back.cooccurrenceSvdPower, 1.0);
        QCOMPARE(back.embeddingsPath, spec.embeddingsPath);
        QCOMPARE(back.weights, spec.weights);
        QCOMPARE(tokenbench::core::toJson(back), json);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 (void)tokenbench::core::featureSpecFromJson("{\"dim\": \"x\"}"));
    }
};

QTEST_GUILESS_MAIN(TestFeaturizers)
#include "test_featurizers.moc"
