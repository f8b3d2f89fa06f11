// The one decision policy: how a calibrated probability becomes "female", "male" or
// "undetermined". train_app (its prediction CSVs and report) and predict_app both call it, so
// the same checkpoint gives the same words everywhere.
//
//   p(class 1) = sigmoid((logit_1 - logit_0) / T), T the temperature fitted on validation;
//   a case is decided when its confidence max(p, 1 - p) >= threshold, as class 1 when p >= 0.5;
//   otherwise it is undetermined.
//
// Where the threshold comes from (ThresholdSource):
//   validation  the checkpoint's undetermined band: the smallest confidence at which the decided
//               validation cases reached the target accuracy (undetermined.h);
//   examiner    set by the examiner (predict_app --threshold), recorded as the examiner's choice;
//   none        the validation never reached the target accuracy at any threshold (or the
//               checkpoint carries no calibration) and the examiner set none: no threshold has
//               validated accuracy behind it, so the forensic answer for every case is
//               "undetermined". The probabilities are still reported.
#pragma once

#include <optional>
#include <string>

#include "metrics/calibration.h"
#include "metrics/classes.h"
#include "metrics/undetermined.h"
#include "util/json.h"

namespace engine::metrics {

enum class ThresholdSource { validation, examiner, none };

// "checkpoint", "--threshold" or "none", as every output names it.
std::string source_name(ThresholdSource source);

struct DecisionPolicy {
  ClassNames class_names;
  double temperature = 1.0;
  bool calibrated = false;       // a temperature was fitted on validation
  std::string calibration_note;  // what the temperature is and where it came from
  ThresholdSource source = ThresholdSource::none;
  double threshold = 0;        // in [0.5, 1]; meaningless when source is none
  std::string threshold_note;  // the validation figures behind it, or why there is none
  Json band = nullptr;         // calibration.undetermined as the checkpoint holds it

  bool decides() const { return source != ThresholdSource::none; }
  Json to_json() const;
};

// `calibration`: a checkpoint's calibration block ({temperature, fitted, reason, undetermined})
// or null. `examiner_threshold`, when given, must be in [0.5, 1]. Throws MetricsError naming
// the field when the block is malformed.
DecisionPolicy decision_policy(const ClassNames& class_names, const Json& calibration,
                               std::optional<double> examiner_threshold = std::nullopt);

// The calibration block decision_policy() reads, from a validation temperature fit and the band
// fitted at the temperature used (the fitted one, or 1 when the fit failed):
// {temperature, fitted, reason, fit, undetermined}. Written by whatever calibrates a model or
// an ensemble, so that every checkpoint's block has one shape.
Json calibration_metadata(const TemperatureFit& fit, const UndeterminedBand& band);

// The sentence every output uses when there is no validated threshold.
std::string no_threshold_text(const Json& band);

struct Estimate {
  double probability_class1 = 0;  // calibrated (and averaged over TTA views when used)
  CaseDecision decision;          // undetermined when the policy decides nothing
  std::string name;               // class 0's name, class 1's name, or "undetermined"
};

double calibrated_probability_class1(double logit_class0, double logit_class1,
                                     const DecisionPolicy& policy);
Estimate estimate(double probability_class1, const DecisionPolicy& policy);

}  // namespace engine::metrics
