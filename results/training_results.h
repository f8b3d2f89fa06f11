// The run folder's results.json (apps/report/RESULTS_FORMAT.md), as one typed structure. train_app
// fills it and writes to_json(); the report reads the file back with the same library
// (results/fields.h: every value with its path; results/check.h: what the report cannot do
// without, against the format version and kinds declared here). Sub-records that another library
// defines are kept as its JSON: the run record (apps/common), the data record (apps/train), the
// calibration and each evaluation (metrics::to_json).
//
// Field order is the file's: to_json() writes exactly what earlier versions wrote, byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"

namespace engine::results {

// The version this library writes and the report reads.
inline constexpr std::int64_t format_version = 1;

enum class Kind { single, compare, folds };
std::string_view name_of(Kind kind);
// The kind a results.json names; nullopt for anything else.
std::optional<Kind> kind_from_name(std::string_view name);

// One epoch of a stage: models[i].history[k] (with the stage's 1-based index added there) and the
// history kept in a stage's last.safetensors for --resume. A number that was not finite (an AUC
// on one class) is written as null and read back as NaN.
struct EpochRecord {
  std::int64_t epoch = 0;  // 1-based, within its stage
  double train_loss = 0, train_accuracy = 0;
  double validation_loss = 0, validation_accuracy = 0, validation_balanced_accuracy = 0,
         validation_auc = 0;
  double learning_rate = 0, images_per_second = 0, seconds = 0;
  Json to_json() const;
  static EpochRecord from_json(const Json& json);
};

// models[i].stages[j]: one stage of a model's recipe, as it ran.
struct StageSummary {
  std::string name;
  std::string data;  // what it trained on, in words
  std::int64_t images_train = 0, images_validation = 0;
  std::int64_t input_size = 0;
  std::int64_t epochs = 0;
  double learning_rate = 0;
  std::string augment;
  std::string initial_weights;
  std::int64_t best_epoch = 0;  // within the stage
  std::string stop_reason;
  bool stopped_early = false;
  std::vector<EpochRecord> history;  // written into the model's history, not here
  Json to_json() const;
};

// models[i]: one architecture on one partition (the split, or one fold).
struct ModelResult {
  std::string architecture;  // "ensemble" for the ensemble of a --compare --ensemble run
  std::vector<std::string> ensemble_members;  // the ensemble's members; empty (not written) else
  std::string partition;                      // "" (not written) or "fold 2"
  std::int64_t parameters = 0;
  std::int64_t input_size = 0;
  bool auxiliary_head = false;
  std::string notes;
  std::string initial_weights;
  std::vector<StageSummary> stages;  // at least one; the last gives best_epoch and the stop
  Json calibration;                  // temperature, fitted, reason, fit, undetermined
  Json validation;                   // metrics::to_json(Evaluation)
  std::optional<Json> test;          // absent without a test part
  std::string predictions;           // the test predictions file; "" (not written) without
  std::string checkpoint;
  std::string checkpoint_sha256;       // the checkpoint's verified signature
  std::string checkpoint_file_sha256;  // of the whole file
  double seconds = 0;
  // Every stage's epochs, each with "stage": its 1-based stage index.
  Json history_json() const;
  Json stages_json() const;
  Json to_json() const;
};

// folds: for kind "folds" only (null otherwise).
struct FoldsResult {
  std::int64_t count = 0;
  Json summary;  // per architecture and metric: {"mean", "sd", "folds"}
};

struct TrainingResults {
  Kind kind = Kind::single;
  Json run;   // command, times, segments, engine version, device, environment, ...
  Json data;  // source, counts, split, skipped files, DICOM, ...
  std::vector<ModelResult> models;
  std::optional<FoldsResult> folds;
  // --compare: every pair of models on the same test cases (metrics::to_json of
  // metrics::PairwiseComparisons, with a "caveat"); absent (not written) otherwise.
  std::optional<Json> comparisons;
  Json to_json() const;
};

}  // namespace engine::results
