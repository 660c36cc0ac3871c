#include "tokenbench/data/dataset_json.h"

#include <stdexcept>

#include <nlohmann/json.hpp>


namespace tokenbench::core {

std::string statsToJson(const DatasetStats& stats, bool compact) {
    nlohmann::json j = {
        {"users", stats.users},
        {"items", stats.items},
        {"interactions", stats.interactions},
        {"density", stats.density},
        {"attributes", stats.attributes},
        {"sequence_length",
         {{"min", stats.minSequenceLength},
          {"max", stats.maxSequenceLength},
          {"mean", stats.meanSequenceLength},
          {"median", stats.medianSequenceLength}}},
    };
    if (!compact) {
        j["sequence_length_histogram"] = stats.sequenceLengthHistogram;
        j["item_popularity"] = stats.itemPopularity;
    }
    return j.dump();
}

DatasetStats statsFromJson(const std::string& json) {
    try {
        const auto j = nlohmann::json::parse(json);
        DatasetStats s;
        s.users = j.at("users").get<int64_t>();
        s.items = j.at("items").get<int64_t>();
        s.interactions = j.at("interactions").get<int64_t>();
        s.density = j.at("density").get<double>();
        s.attributes = j.value("attributes", int64_t{0});
        const auto& len = j.at("sequence_length");
        s.minSequenceLength = len.at("min").get<int64_t>();
        s.maxSequenceLength = len.at("max").get<int64_t>();
        s.meanSequenceLength = len.at("mean").get<double>();
        s.medianSequenceLength = len.at("median").get<double>();
        if (j.contains("sequence_length_histogram"))
            s.sequenceLengthHistogram = j["sequence_length_histogram"].get<std::vector<int64_t>>();
        if (j.contains("item_popularity")) s.itemPopularity = j["item_popularity"].get<std::vector<int64_t>>();
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("malformed data-set statistics: ") + e.what());
    }
}

}  // namespace tokenbench::core
