// Fuzzes the MovieLens loader. Byte 0 picks which file the input becomes: 0 ratings.dat, 1 u.data,
// 2 ratings.csv, 3 movies.dat, 4 movies.csv, 5 u.item, 6 u.genre (the others fixed and valid).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tokenbench;
    return fuzz::fuzzLoader("movielens", data, size, [](const fuzz::Input& in, core::LoadOptions& options) {
        const int mode = in.selector % 7;
        fuzz::removeInput("dat/movies.dat");
        fuzz::removeInput("csv/movies.csv");
        fuzz::removeInput("100k/u.item");
        fuzz::removeInput("100k/u.genre");
        const std::string item100k = "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n";
        switch (mode) {
            case 0:
                options.paths = {fuzz::writeInput("dat/ratings.dat", in.body, in.length)};
                break;
            case 1:
                options.paths = {fuzz::writeInput("100k/u.data", in.body, in.length)};
                break;
            case 2:
                options.paths = {fuzz::writeInput("csv/ratings.csv", in.body, in.length)};
                break;
            case 3:
                options.paths = {fuzz::writeInput("dat/ratings.dat", std::string("1::2::5::978300760\n"))};
                fuzz::writeInput("dat/movies.dat", in.body, in.length);
                break;
            case 4:
                options.paths = {
                    fuzz::writeInput("csv/ratings.csv", std::string("userId,movieId,rating,timestamp\n1,2,5,9\n"))};
                fuzz::writeInput("csv/movies.csv", in.body, in.length);
                break;
            case 5:
                options.paths = {fuzz::writeInput("100k/u.data", std::string("1\t1\t5\t881250949\n"))};
                fuzz::writeInput("100k/u.item", in.body, in.length);
                break;
            default:
                options.paths = {fuzz::writeInput("100k/u.data", std::string("1\t1\t5\t881250949\n"))};
                fuzz::writeInput("100k/u.item", item100k);
                fuzz::writeInput("100k/u.genre", in.body, in.length);
                break;
        }
    });
}
