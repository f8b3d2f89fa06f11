// A whole predict_app run: expand the inputs, load and verify the checkpoint, then for each batch
// prepare the images, run every view, calibrate, decide, explain (--explain) and check against
// the CPU reference (--verify-on-cpu). Each image succeeds or fails on its own; only an unusable
// checkpoint (or output folder) stops the run.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/predict/decision.h"
#include "apps/predict/image_rules.h"
#include "apps/predict/inputs.h"
#include "apps/predict/options.h"
#include "apps/predict/preparation.h"
#include "apps/predict/tta.h"
#include "models/checkpoint.h"
#include "util/json.h"

namespace engine::apps {

// The checkpoint cannot be used: missing, not ours, corrupted, or without the metadata
// predict_app needs. predict_app exits with 2.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PredictionItem {
  InputItem input;
  std::size_t index = 0;  // 1-based position in the run
  bool predicted = false;
  std::string error;  // why the prediction failed (empty when it succeeded)

  std::string image_sha256;
  int width = 0, height = 0, bit_depth = 0;
  std::string unusual;  // a sanity rule overridden by --allow-unusual-images
  std::shared_ptr<const data::DicomInfo> dicom;  // what a DICOM file held (never who it shows)
  std::vector<std::string> notes;  // what was done to this image that the reader should know

  std::vector<std::array<double, 2>> view_logits;  // per view: logit_female, logit_male
  std::vector<double> view_probabilities;          // per view: calibrated p(male)
  Estimate estimate;                               // from the mean of view_probabilities
  std::string time_utc;

  Json heatmap = nullptr;     // what --explain wrote, or null
  std::string heatmap_error;  // --explain asked for a heatmap that could not be made

  std::optional<Estimate> reference;  // --verify-on-cpu: the estimate from the CPU reference

  bool failed() const { return !predicted || !heatmap_error.empty(); }
};

struct PredictionRun {
  PredictOptions options;
  std::vector<std::string> command_line;
  std::string started_utc, finished_utc;

  std::string checkpoint_file_sha256;    // of the whole file, as sha256sum prints it
  std::string checkpoint_tensor_sha256;  // the verified digest of its tensors
  std::string checkpoint_sha256;         // the verified signature over metadata and tensors
  models::CheckpointInfo info;
  std::string feature_layer;
  ModelInput input;
  DecisionPolicy policy;
  std::vector<View> views;
  ImageRules rules;

  Device device = Device::cpu();
  std::string device_description;
  std::string determinism;
  Json environment = Json::object();

  std::vector<PredictionItem> items;
  std::vector<std::string> notes;
  Json verification = nullptr;
  std::size_t decisions_changed = 0;  // by the CPU reference

  double prediction_seconds = 0;  // reading, preparing and the forward passes
  double total_seconds = 0;       // everything after the checkpoint was loaded

  std::size_t succeeded() const;
  std::size_t failed() const;
  std::size_t count(const std::string& estimate) const;  // among the succeeded
  // 0: every item succeeded; 1: some failed; 3: --verify-on-cpu changed a decision.
  int exit_code() const;
};

// Throws CheckpointError for an unusable checkpoint, ArgumentError for a bad --device; every
// problem with one image is recorded on its item instead.
PredictionRun run_prediction(const PredictOptions& options,
                             const std::vector<std::string>& command_line);

}  // namespace engine::apps
