// The one place that lists the built-in models: a table of {schema, factory}. Adding a model means
// one row here and its .cpp file; the UI and CLI learn about it from the Registry.
#include <memory>
#include <string>

#include "models/builtin_models.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

namespace {

struct ModelEntry final {
    ComponentInfo (*info)();
    std::unique_ptr<Recommender> (*make)(const std::string& configJson);
};

const ModelEntry kModels[] = {
    {popularityInfo, makePopularity},
    {sasRecInfo, makeSasRec},
    {reaRecInfo, makeReaRec},
    {cl4SRecInfo, makeCl4SRec},
    {iclRecInfo, makeIclRec},
    {coveInfo, makeCove},
    {sigmaInfo, makeSigma},
    {bert4RecInfo, makeBert4Rec},
    {tigerInfo, makeTiger},
    {sidGptInfo, makeSidGpt},
};

std::string knownIds() {
    std::string out;
    for (const ModelEntry& entry : kModels) out += (out.empty() ? "" : ", ") + entry.info().id;
    return out;
}

}  // namespace

void registerModels(Registry& registry) {
    for (const ModelEntry& entry : kModels) registry.add(entry.info());
}

std::unique_ptr<Recommender> createModel(const std::string& id, const std::string& configJson) {
    for (const ModelEntry& entry : kModels) {
        const ComponentInfo info = entry.info();
        if (info.id == id) return entry.make(validateConfig(info, configJson));
    }
    throw ConfigError("unknown model '" + id + "' (known: " + knownIds() + ")");
}

}  // namespace tokenbench::core
