#pragma once
/// Tiny configs for any registered component: its schema defaults with the known size keys (widths,
/// layers, batch sizes, codebook sizes, epochs, iterations...) shrunk so a fit or an epoch on a small
/// synthetic set takes milliseconds. Keyed by parameter name, never by component, so a new model or
/// tokenizer that reuses the usual key names is covered without editing this table. Qt-free; any thread.

#include <map>
#include <string>

#include "tokenbench/registry.h"

namespace tokenbench::test {

/// Parameter key -> small value as JSON text ("16", "\"16\"" for strings).
[[nodiscard]] const std::map<std::string, std::string>& tinyParamValues();

/// A config JSON object for `info`: every key of the table that `info` declares, clamped to the
/// key's [min, max]; other keys keep their defaults (validateConfig fills them in).
[[nodiscard]] std::string tinyConfig(const core::ComponentInfo& info);

/// The spec of `key` in `info`, or nullptr.
[[nodiscard]] const core::ParamSpec* findParam(const core::ComponentInfo& info, const std::string& key);

}  // namespace tokenbench::test
