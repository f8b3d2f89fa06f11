// What predict_app writes: a table for people, JSON for records (complete enough to reproduce
// every prediction: see docs/PREDICT.md for the schema), CSV for spreadsheets.
#pragma once

#include <string>

#include "apps/predict/prediction.h"
#include "util/json.h"

namespace engine::apps {

inline constexpr int prediction_schema_version = 1;

Json prediction_json(const PredictionRun& run);
std::string prediction_table(const PredictionRun& run);
std::string prediction_csv(const PredictionRun& run);
// By run.options.format.
std::string format_prediction(const PredictionRun& run);
// One line: "3 items: 2 succeeded (1 female, 1 male, 0 undetermined), 1 failed".
std::string summary_line(const PredictionRun& run);

}  // namespace engine::apps
