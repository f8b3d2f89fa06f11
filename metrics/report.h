// A full evaluation of one set of predictions: everything train_app and predict_app report,
// computed in one place from per-case probabilities, labels and (optionally) ages and ids, with
// a JSON rendering (every ratio with its counts, every interval with its method, the bootstrap
// seed) and a short plain-text summary.
//
// Calibration figures here (reliability diagram, ECE, Brier) describe the probabilities as
// given; fitting a temperature needs logits and lives in metrics/calibration.h, and the
// undetermined band in metrics/undetermined.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/age_bands.h"
#include "metrics/bias.h"
#include "metrics/bootstrap.h"
#include "metrics/calibration.h"
#include "metrics/confusion.h"
#include "metrics/intervals.h"
#include "metrics/roc.h"
#include "util/json.h"

namespace engine::metrics {

struct EvaluationInput {
  std::string description;  // what the cases are, e.g. "validation split of rsna-hands/dev"
  std::vector<int> labels;
  std::vector<double> probabilities_class1;
  ClassNames names;
  int positive_class = -1;  // must be chosen: 0 or 1
  double threshold = default_threshold;
  std::optional<std::uint64_t> bootstrap_seed;  // must be chosen; it is recorded in the output
  int bootstrap_replicates = default_bootstrap_replicates;
  int calibration_bins = default_calibration_bins;
  std::vector<std::optional<double>> ages_years;  // empty: the data has no ages
  std::vector<AgeBand> age_bands = default_age_bands();
  std::vector<std::string> ids;  // empty: no ids; otherwise one per case
};

struct Evaluation {
  std::string description;
  double threshold = 0;
  ConfusionMatrix matrix;
  PositiveClassFigures positive;
  std::array<ClassFigures, 2> per_class;
  MacroAverages macro;
  ErrorRateBound error_rate;
  BootstrapInterval f1_interval;
  // ROC and AUC need both classes; otherwise roc is empty and the reason is given.
  std::optional<RocCurve> roc;
  std::string roc_missing_reason;
  double auc = 0;
  BootstrapInterval auc_interval;
  SexBias bias;
  std::optional<AgeBandReport> age_bands;
  ReliabilityDiagram reliability;
  double brier = 0;
  std::vector<std::string> misclassified_ids;
};

// Throws MetricsError for invalid input, an unchosen positive class or bootstrap seed, or ids
// and ages whose count differs from the labels'.
Evaluation evaluate(const EvaluationInput& input);

Json to_json(const Evaluation& evaluation);
// A few lines for a console: accuracy, balanced accuracy, F1, AUC, error-rate bound, sex bias.
std::string summary_text(const Evaluation& evaluation);

}  // namespace engine::metrics
