#pragma once
/// A new model run's settings handed to the Model page's form from another page (a sweep's best
/// trial), so the user can train it again, or a variation of it.

#include <cstdint>
#include <string>

#include <QString>

namespace tokenbench::ui {

/// Plain value; the Model page validates it against what the project offers.
struct ModelRunPrefill final {
    std::string dataset;           ///< data set name
    std::string model;             ///< registry id
    int64_t tokenizerRunId = 0;    ///< generative models: the tokenizer run whose IDs they train on
    std::string modelConfigJson = "{}";
    std::string settingsJson = "{}";  ///< run settings (core::runSettingsSchema keys)
    QString name;                  ///< the run's name
};

}  // namespace tokenbench::ui
