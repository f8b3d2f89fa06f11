// A whole train_app run: the data and its split, each architecture through its stages, the
// final evaluation (calibration, test metrics, predictions), the run folder's files and the
// report.
//
// Run folder:
//   config.json        every option, the command line, the environment, and one segment per
//                      invocation (the first run and each --resume: apps/train/run_folder.h)
//   split.csv          which image is in which part (or fold)
//   skipped.csv        --skip-bad-files: the files left out before the split, with the reason
//   results.json       everything the report shows (apps/report/RESULTS_FORMAT.md)
//   report.md, report.html, plots/
//   <architecture>/[fold<k>/]
//       epochs.csv                     per-epoch figures of every stage
//       stage<N>/best.safetensors      best weights of stage N; stage<N>/last.safetensors
//       best.safetensors               the final model, calibrated (predict_app takes this)
//       validation_predictions.csv, test_predictions.csv
//   ensemble/                          --compare --ensemble (apps/train/comparison.h)
//       ensemble.json                  the members, their hashes and temperatures, the
//                                      ensemble's calibration (predict_app --ensemble takes this)
//       validation_predictions.csv, test_predictions.csv   logit_female 0, logit_male the
//                                      ensemble's mean calibrated margin d
#pragma once

#include <string>

#include "apps/train/config.h"

namespace engine::apps {

struct RunOutcome {
  std::string results_file;
  std::string report_markdown;
  std::string report_html;
};

// `command_line` is recorded as given. Everything is checked before the run folder is written
// (options, the folder, the data and the split, inputs inside the folder, --resume's recorded
// settings): bad input throws (the message names the file, option or field) with nothing
// written. TrainingDiverged when the loss or gradients stop being finite.
RunOutcome run_training(const TrainingConfig& config, const std::string& command_line);

}  // namespace engine::apps
