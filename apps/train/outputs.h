// The run folder's CSV files: per-epoch figures and per-image predictions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/train/dataset.h"
#include "apps/train/evaluation.h"
#include "apps/train/stage.h"
#include "metrics/decision_policy.h"
#include "results/training_results.h"

namespace engine::apps {

// One line per epoch of every stage (the stage's name, then its figures).
void write_epochs_csv(const std::filesystem::path& file,
                      const std::vector<results::StageSummary>& stages);

// One line per image: path, SHA-256, true sex, age, id, both logits, the raw and calibrated
// probability of male, the class at 0.5 ("prediction", what accuracy counts), the forensic
// decision of the one decision policy (metrics/decision_policy.h: female, male or undetermined,
// as predict_app says it for the same checkpoint), and correctness of the prediction.
void write_predictions_csv(const std::filesystem::path& file, const Dataset& dataset,
                           const data::ImageCache& cache, const Predictions& predictions,
                           const metrics::DecisionPolicy& policy);

}  // namespace engine::apps
