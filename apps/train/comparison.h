// What train_app --compare adds after every model is trained and evaluated: the pairwise
// comparison table on the test cases (metrics/pairwise.h) and, with --ensemble, the ensemble of
// all the models (metrics/ensemble.h), evaluated like one more model and written with
// ensemble/ensemble.json (results/ensemble_file.h) for predict_app --ensemble.
//
// What the ensemble averages: each member's calibrated logit margin (z_male - z_female) / T_i,
// T_i the member's own validation temperature, and not the calibrated probabilities: a mean of
// log-odds keeps evidence additive and stays in the margin space where the ensemble's own
// temperature is fitted, while a mean of probabilities is not calibrated even when every member
// is and has no logit once a probability rounds to 0 or 1 (metrics/ensemble.h gives the
// argument and its sources). The ensemble then gets its own temperature and undetermined band,
// fitted on the same validation cases with the code the single models use.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "apps/common/progress.h"
#include "apps/train/config.h"
#include "apps/train/dataset.h"
#include "apps/train/model_run.h"
#include "results/training_results.h"

namespace engine::apps {

// A model (a member, or the ensemble) as the comparisons see it.
struct ComparedModel {
  std::string name;
  std::vector<int> test_labels;
  std::vector<double> test_probabilities;  // calibrated p(male), in the partition's test order
};

ComparedModel compared_model(const std::string& name, const ModelRunResult& run);

// results.json's "comparisons": every pair of `models` on the same test cases, McNemar's exact
// test on accuracy and DeLong's on AUC, Holm-adjusted per family, with the caveats. nullopt for
// fewer than two models or no test cases. Throws std::runtime_error when the models' test cases
// differ (they never should: one split, one order).
std::optional<Json> compare_models(const TrainingConfig& config, const Dataset& dataset,
                                   const std::vector<ComparedModel>& models);

// --ensemble: fits the ensemble of `members` (all trained on the same split), evaluates it on the
// validation and test cases, writes <out>/ensemble/{ensemble.json, validation_predictions.csv,
// test_predictions.csv} and returns it as one more model (architecture "ensemble").
ModelRunResult run_ensemble(const TrainingConfig& config, const Dataset& dataset,
                            CacheStore& caches, const std::vector<ModelRunResult>& members,
                            Progress& progress);

}  // namespace engine::apps
