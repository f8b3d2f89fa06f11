// One stage of training: epochs over a training set with validation after each, the best epoch
// kept by a chosen validation metric, early stopping, and checkpoints after every epoch so that
// an interrupted stage resumes to exactly the result an uninterrupted one would have reached.
//
// Files in the stage's folder:
//   last.safetensors  the model after the latest epoch, with the optimizer state and counters
//   best.safetensors  the model at the best epoch so far (no training state)
// Both are written atomically: a kill at any moment leaves the previous good file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/common/progress.h"
#include "apps/train/config.h"
#include "apps/train/evaluation.h"
#include "models/checkpoint.h"
#include "results/training_results.h"

namespace engine::apps {

struct StageSettings {
  std::int64_t index = 1;  // 1-based position in the recipe
  std::string name;
  std::string data_description;
  std::int64_t epochs = 1;
  std::int64_t batch_size = 32;
  std::int64_t freeze_epochs = 0;
  double learning_rate = 1e-3;
  std::string augment = "seed-study";
};

struct StageResult {
  std::vector<results::EpochRecord> history;
  std::int64_t best_epoch = 0;
  double best_score = 0;
  bool stopped_early = false;
  bool completed = false;       // false when interrupted (tests) before its last epoch
  std::int64_t epochs_run = 0;  // by this call (0 when the stage had already completed)
  std::string stop_reason;
  std::filesystem::path best_checkpoint;
};

struct StageInputs {
  const data::ImageCache* cache = nullptr;
  std::vector<std::size_t> train, validation;  // cache indices
};

class TrainingDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when --interrupt-after-epochs stops a run; --resume continues it.
class TrainingInterrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Trains `model` (already on `device`) for one stage. `checkpoint_info` is what the stage's
// checkpoints record about the model. With `resume`, continues from folder/last.safetensors when
// it exists. `epochs_this_call` > 0 stops after that many epochs (to test resumption).
StageResult run_stage(const TrainingConfig& config, const StageSettings& settings,
                      const StageInputs& inputs, models::Model& model, Device device,
                      const models::CheckpointInfo& checkpoint_info,
                      const std::filesystem::path& folder, bool resume, Progress& progress,
                      std::int64_t epochs_this_call = 0);

}  // namespace engine::apps
