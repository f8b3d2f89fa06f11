// The run folder's CSV files: per-epoch figures and per-image predictions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/train/dataset.h"
#include "apps/train/evaluation.h"
#include "apps/train/stage.h"

namespace engine::apps {

struct StageHistory {
  std::string stage;
  std::vector<EpochRecord> epochs;
};

void write_epochs_csv(const std::filesystem::path& file, const std::vector<StageHistory>& stages);

// One line per image: path, SHA-256, true sex, age, id, both logits, the raw and calibrated
// probability of male, the decision at 0.5 and with the undetermined band, and correctness.
void write_predictions_csv(const std::filesystem::path& file, const Dataset& dataset,
                           const data::ImageCache& cache, const Predictions& predictions,
                           double temperature, double undetermined_threshold);

}  // namespace engine::apps
