// predict_app --ensemble FILE: the ensemble train_app --compare --ensemble wrote
// (ensemble/ensemble.json, results/ensemble_file.h), verified and run.
//
//   1. The file's content_sha256 is checked against its content, then each member checkpoint's
//      file SHA-256 against members[i].checkpoint_file_sha256 (before it is read as a model);
//      once loaded (which verifies its own signature), its checkpoint_sha256 and its
//      temperature against members[i]. Any mismatch is a CheckpointError naming the field and
//      the file; predict_app then exits with 2 and writes nothing.
//   2. Every member predicts every image as predict_app --model does (its own preprocessing).
//   3. Per image, the ensemble's margin d is the mean of the members' calibrated margins
//      (logit_male - logit_female) / T_member (metrics::combine_margins, as in training), and
//      p(male) = sigmoid(d / T) with the ensemble's temperature; the one decision policy
//      (metrics/decision_policy.h) decides with the ensemble's band, or --threshold.
// Member checkpoint paths are relative to the run folder: the folder above the one holding the
// ensemble file (train_app writes <run>/ensemble/ensemble.json).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "apps/predict/prediction.h"
#include "results/ensemble_file.h"

namespace engine::apps {

struct EnsembleMemberRun {
  results::EnsembleMemberRecord record;
  std::filesystem::path checkpoint;  // resolved
  PredictionRun run;                 // the member's own prediction of every input
};

struct EnsembleCase {
  bool predicted = false;  // every member predicted the image
  std::string error;       // the first member's error otherwise
  double margin = 0;       // the ensemble's d
  Estimate estimate;
};

struct EnsemblePrediction {
  PredictOptions options;
  std::vector<std::string> command_line;
  std::string started_utc, finished_utc;
  std::string file;  // as given
  std::string file_sha256;
  results::EnsembleFile record;  // verified
  DecisionPolicy policy;
  std::vector<EnsembleMemberRun> members;
  std::vector<EnsembleCase> cases;  // one per input item, in the members' item order

  std::size_t failed() const;
  int exit_code() const { return failed() > 0 ? 1 : 0; }
};

// Reads and verifies the ensemble file and every member's file hash; throws CheckpointError
// naming the field and file on any mismatch.
EnsemblePrediction load_ensemble(const PredictOptions& options,
                                 const std::vector<std::string>& command_line);

// The whole run: verification, every member, the combination and the decisions.
EnsemblePrediction run_ensemble_prediction(const PredictOptions& options,
                                           const std::vector<std::string>& command_line);

// Output by options.format: a table, JSON or CSV, each listing the ensemble's estimate, every
// member's estimate and every member checkpoint's hashes.
std::string format_ensemble_prediction(const EnsemblePrediction& prediction);
std::string ensemble_summary_line(const EnsemblePrediction& prediction);

}  // namespace engine::apps
