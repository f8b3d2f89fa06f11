// One architecture on one partition of the data (the split, or one fold): its stages, then the
// final evaluation. Returns its entry of results.json (results/training_results.h).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/common/progress.h"
#include "apps/train/config.h"
#include "apps/train/dataset.h"
#include "apps/train/evaluation.h"
#include "data/split.h"
#include "metrics/report.h"
#include "results/training_results.h"
#include "tensor/device.h"

namespace engine::apps {

struct Partition {
  std::string label;                                 // "" or "fold 3"
  std::string folder;                                // "" or "fold3"
  std::vector<std::size_t> train, validation, test;  // record indices of the final dataset
};

struct ModelRunResult {
  results::ModelResult entry;               // results.json "models" item
  std::optional<metrics::Evaluation> test;  // for fold summaries
  // The final model's outputs, for the pairwise comparisons and the ensemble (apps/train/
  // comparison.h): the validation and test cases in the partition's order, and the temperature
  // fitted on validation (1 when the fit failed).
  Predictions validation_predictions, test_predictions;
  double temperature = 1.0;
};

// The evaluation of predictions calibrated with `temperature` (what results.json holds for each
// split): the run's positive class, bootstrap seed and replicates, the cases' ages and paths.
metrics::Evaluation evaluate_predictions(const TrainingConfig& config, const Dataset& dataset,
                                         const data::ImageCache& cache,
                                         const Predictions& predictions, double temperature,
                                         const std::string& description);

// A stage on other data (--stage data=...) trains on it without the hands held out for validation
// or test in the final data, with its own train/validation split.
struct PretrainingData {
  Dataset dataset;
  data::Split split;
  std::size_t removed = 0;  // images of held-out hands
};
PretrainingData pretraining_data(const TrainingConfig& config, const Dataset& final_dataset,
                                 const Partition& partition, const Dataset& stage_dataset);

class DatasetStore {  // datasets named by stages, loaded once
 public:
  explicit DatasetStore(const TrainingConfig& config) : config_(config) {}
  const Dataset& get(const std::string& location);

 private:
  const TrainingConfig& config_;
  std::map<std::string, std::unique_ptr<Dataset>> datasets_;
};

ModelRunResult run_model(const TrainingConfig& config, const std::string& architecture,
                         const Partition& partition, const Dataset& final_dataset,
                         DatasetStore& datasets, CacheStore& caches, Device device,
                         const std::filesystem::path& folder, Progress& progress);

}  // namespace engine::apps
