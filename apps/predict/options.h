// predict_app's options: one struct, registered once in the shared ArgumentTable so that --help
// documents every option with its default, and recorded verbatim in the JSON output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/common/arguments.h"

namespace engine::apps {

struct PredictOptions {
  std::string model;             // runs/NAME/best.safetensors (or --ensemble)
  std::string ensemble;          // runs/NAME/ensemble/ensemble.json (apps/predict/ensemble.h)
  std::string format = "table";  // table | json | csv
  std::string out;               // empty: standard output
  std::string explain;           // folder for Grad-CAM heatmaps; empty: none
  bool tta = false;              // test-time augmentation (flip, +-5 degree rotations)
  std::string threshold = "checkpoint";  // or a confidence in [0.5, 1]
  std::string device = "auto";
  std::int64_t batch_size = 8;
  bool verify_on_cpu = false;
  bool deterministic = true;
  bool allow_unusual_images = false;  // skip the "is this a hand radiograph" sanity rules
  bool allow_outside_paths = false;   // manifest paths may resolve outside the manifest's folder
  bool overwrite = false;             // --out and heatmaps may replace predict_app's own files
  std::string dicom_window = "checkpoint";  // checkpoint | file | none (see data/decode.h)
  std::int64_t threads = 0;                 // CPU threads; 0: the engine's default

  std::vector<std::string> inputs;  // images, folders, manifests (the positional arguments)

  // Throws ArgumentError for a missing --model (or --ensemble), no inputs, a --threshold that is
  // neither "checkpoint" nor a number in [0.5, 1], or --ensemble with --model, --tta, --explain
  // or --verify-on-cpu.
  void validate() const;
  // The --threshold override, or a negative number when the checkpoint's threshold is used.
  double threshold_override() const;
};

void register_predict_options(ArgumentTable& table, PredictOptions& options);

}  // namespace engine::apps
