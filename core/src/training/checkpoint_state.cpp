#include "training/checkpoint_state.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"
#include "common/json_file.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kStateFile = "state.json";
constexpr const char* kPrefix = "epoch-";
constexpr const char* kSuffix = ".ckpt";

}  // namespace

CheckpointFolder::CheckpointFolder(std::string dir) : m_dir(std::move(dir)) { fs::create_directories(m_dir); }

std::string CheckpointFolder::pathForEpoch(int64_t epoch) const {
    return path(kPrefix + std::to_string(epoch) + kSuffix);
}

std::string CheckpointFolder::path(const std::string& file) const { return (fs::path(m_dir) / file).string(); }

std::optional<CheckpointState> CheckpointFolder::load() const {
    const std::string file = path(kStateFile);
    if (!fs::exists(file)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    CheckpointState s;
    try {
        const json j = json::parse(text.str());
        s.epoch = j.at("epoch").get<int64_t>();
        s.bestEpoch = j.at("best_epoch").get<int64_t>();
        s.bestValue = j.at("best_value").get<double>();
        s.staleEvaluations = j.at("stale_evaluations").get<int64_t>();
        s.lastFile = j.at("last").get<std::string>();
        s.bestFile = j.at("best").get<std::string>();
        s.trainSeconds = j.at("train_seconds").get<double>();
        s.timedEpochs = j.at("timed_epochs").get<int64_t>();
    } catch (const json::exception& e) {
        throw DataError(file, std::string("unreadable training state: ") + e.what());
    }
    for (const std::string* name : {&s.lastFile, &s.bestFile})
        if (!name->empty() && !fs::exists(path(*name)))
            throw DataError(file, "names checkpoint " + *name + ", which is missing");
    return s;
}

void CheckpointFolder::commit(const CheckpointState& s) const {
    const json j = {{"epoch", s.epoch},
                    {"best_epoch", s.bestEpoch},
                    {"best_value", s.bestValue},
                    {"stale_evaluations", s.staleEvaluations},
                    {"last", s.lastFile},
                    {"best", s.bestFile},
                    {"train_seconds", s.trainSeconds},
                    {"timed_epochs", s.timedEpochs}};
    writeJsonFile(path(kStateFile), j);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_dir, ec)) {
        const std::string name = entry.path().filename().string();
        const bool checkpoint = name.rfind(kPrefix, 0) == 0;  // also epoch-N.ckpt.tmp left by a crash
        if (checkpoint && name != s.lastFile && name != s.bestFile) fs::remove(entry.path(), ec);
    }
}

}  // namespace tokenbench::core
