#pragma once
/// The one registry of tokenizers and models. Each component is described by a parameter schema;
/// the UI builds its forms from the schema and the CLI validates options against it, so adding a
/// component needs no UI or CLI code.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tokenbench::core {

/// Kind of value a parameter takes. Path is a String naming a file (forms offer a file chooser).
enum class ParamType { Int, Float, Bool, Choice, String, Path };

/// One parameter of a component: what a form field or a CLI option shows and accepts.
struct ParamSpec final {
    std::string key;                   ///< JSON key and CLI option name ("codebook_size")
    std::string label;                 ///< form label ("Codebook size")
    ParamType type = ParamType::Int;
    std::string defaultValue;          ///< as text: "256", "0.25", "true", "cosine"
    std::optional<double> min;         ///< Int and Float only
    std::optional<double> max;
    std::vector<std::string> choices;  ///< Choice only
    std::string help;
};

/// What kind of component this is.
enum class ComponentKind { Tokenizer, Model };

/// A registered tokenizer or model: stable id and version (stored with every run) and its schema.
struct ComponentInfo final {
    std::string id;           ///< stable id ("rq-vae", "sasrec")
    int version = 1;          ///< bumped when a change alters results or checkpoints
    std::string displayName;
    ComponentKind kind = ComponentKind::Model;
    std::string description;
    std::vector<ParamSpec> params;
    bool needsSemanticIds = false;  ///< models: trains on a tokenizer run's semantic IDs (generative)
    bool needsFeatures = true;      ///< tokenizers: fitted on item features (false: e.g. imported IDs)
    /// Tokenizers: learns over optimizer steps (RQ-VAE), so its codebook figures are curves over steps.
    /// false: fitted level by level or assigned at once (RQ-KMeans, random, imported IDs), so its figures
    /// are one value per codebook level.
    bool trainsInSteps = true;
    bool recommended = false;       ///< the one forms select first (one per kind): the strong, fast default
};

/// A config that does not fit its schema; the message names the key and what was expected.
class ConfigError final : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Checks a JSON object config against `info`'s schema and returns it complete: every key present,
/// defaults filled in, numbers typed. Throws ConfigError for unknown keys, wrong types, values out of
/// range or not among the choices. Any thread.
[[nodiscard]] std::string validateConfig(const ComponentInfo& info, const std::string& configJson);

/// The registry. Created in app/ (tests make their own) and passed by reference; filled once at
/// start-up, read-only afterwards, so any thread may read it.
class Registry final {
public:
    /// Registers a component; throws std::invalid_argument on a duplicate id or a malformed schema
    /// (duplicate keys, a default outside its own range or choices), or a second recommended one of a kind.
    void add(ComponentInfo info);
    [[nodiscard]] const ComponentInfo* find(const std::string& id) const;
    [[nodiscard]] const ComponentInfo& get(const std::string& id) const;  ///< throws ConfigError naming known ids
    [[nodiscard]] std::vector<const ComponentInfo*> list(ComponentKind kind) const;

private:
    std::map<std::string, ComponentInfo> m_components;
};

}  // namespace tokenbench::core
