// Sentence embeddings of a text file (one text a line) by a sentence-transformers folder, timed: the
// Tokenbench half of tests/bench/text_encoder_parity.sh. Not a CTest test; run by hand:
//   bench_text_encoder MODEL_DIR TEXTS.txt OUT.f32 [THREADS] [BATCH]
// Writes rows x dim float32 (little-endian, row-major) to OUT.f32 and prints seconds and the shape.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "tokenbench/features/text_encoder.h"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_text_encoder MODEL_DIR TEXTS.txt OUT.f32 [THREADS] [BATCH]\n");
        return 2;
    }
    const int threads = argc > 4 ? std::atoi(argv[4]) : 1;
    const int batch = argc > 5 ? std::atoi(argv[5]) : 32;
    torch::set_num_threads(threads);
    std::ifstream in(argv[2]);
    std::vector<std::string> texts;
    for (std::string line; std::getline(in, line);) texts.push_back(line);
    try {
        const auto loadStart = std::chrono::steady_clock::now();
        const tokenbench::core::SentenceEncoder encoder(argv[1]);
        const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
        // One small warm-up batch, as the Python side gets, so both time the steady state.
        (void)encoder.encode(std::vector<std::string>(texts.begin(), texts.begin() + std::min<size_t>(texts.size(), 32)));
        double best = 1e30;
        tokenbench::core::FeatureMatrix m;
        for (int repeat = 0; repeat < 2; ++repeat) {
            const auto start = std::chrono::steady_clock::now();
            m = encoder.encode(texts, {}, batch);
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::ofstream out(argv[3], std::ios::binary);
        out.write(reinterpret_cast<const char*>(m.values.data()), static_cast<std::streamsize>(m.values.size() * sizeof(float)));
        std::printf("tokenbench: %lld x %lld, threads %d, batch %d, load %.3f s, encode %.3f s (best of 2)\n",
                    static_cast<long long>(m.rows), static_cast<long long>(m.dim), threads, batch, loadSeconds, best);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_text_encoder: %s\n", e.what());
        return 1;
    }
    return 0;
}
