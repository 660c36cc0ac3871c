#pragma once
/// Command-line options generated from component parameter schemas: every parameter of every
/// component of a kind becomes `--key-with-dashes`, and the values given are checked against the
/// chosen component's schema. A new tokenizer or model needs no CLI code.

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tokenbench/registry.h"

namespace tokenbench::cli {

/// Adds the union of `components`' parameters to `command` (skipping keys in `skip`, which the
/// command declares itself) and remembers what the user gives.
class SchemaOptions final {
public:
    void addTo(CLI::App& command, const std::vector<const core::ComponentInfo*>& components,
                const std::vector<std::string>& skip = {});
    /// Adds one option per parameter of `info` (run settings: --epochs, --max-minutes...) checked at
    /// parse time against the schema's range or choices; a Bool parameter becomes a flag.
    void addChecked(CLI::App& command, const core::ComponentInfo& info);
    /// JSON object config for `info` from the given options plus `fixed` (already-typed JSON
    /// values by key). Throws UserError when an option does not belong to `info` or has a bad value.
    [[nodiscard]] std::string configFor(const core::ComponentInfo& info,
                                        const std::map<std::string, std::string>& fixedJson = {}) const;

private:
    std::map<std::string, std::string> m_values;  ///< key -> text as given
};

/// The ids of the registered components of `kind`, in registry order (the values an id option accepts).
std::vector<std::string> componentIds(const core::Registry& registry, core::ComponentKind kind);

}  // namespace tokenbench::cli
