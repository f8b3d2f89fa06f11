// From logits to what predict_app reports: the calibrated probability of each sex (temperature
// scaling with the checkpoint's temperature, metrics/calibration.h) and the decision (female,
// male, or undetermined when the confidence max(p, 1 - p) is below the threshold,
// metrics/undetermined.h).
//
// Where the threshold comes from, always stated in the output:
//   "checkpoint"   the smallest confidence at which train_app's validation accuracy of decided
//                  cases reached its target (calibration.undetermined in the checkpoint);
//   "--threshold"  the examiner's explicit value;
//   "0.5 (no band)" the checkpoint's validation never reached the target at any threshold, or it
//                  carries no calibration: every case is decided (confidence >= 0.5 always holds)
//                  and the note says the estimates have no validated accuracy behind them.
#pragma once

#include <string>

#include "metrics/classes.h"
#include "metrics/undetermined.h"
#include "models/checkpoint.h"
#include "tensor/json.h"

namespace engine::apps {

struct DecisionPolicy {
  metrics::ClassNames class_names;
  double temperature = 1.0;
  bool calibrated = false;       // a temperature was fitted on validation
  std::string calibration_note;  // what the temperature is and where it came from
  double threshold = 0.5;
  std::string threshold_source;    // "checkpoint", "--threshold" or "0.5 (no band)"
  std::string threshold_note;      // the validation figures behind it, or the warning
  Json checkpoint_band = nullptr;  // calibration.undetermined as the checkpoint holds it

  Json to_json() const;
};

// `threshold_override` < 0: use the checkpoint's. Throws std::invalid_argument when the
// checkpoint's calibration metadata is malformed or the model is not a two-class model.
DecisionPolicy decision_policy(const models::CheckpointInfo& info, double threshold_override);

struct Estimate {
  double probability_male = 0;  // calibrated (and averaged over TTA views when used)
  metrics::CaseDecision decision;
  std::string name;  // "female", "male" or "undetermined"
};

// p(male) = sigmoid((z_male - z_female) / T).
double calibrated_male_probability(double logit_female, double logit_male,
                                   const DecisionPolicy& policy);
Estimate estimate_from(double probability_male, const DecisionPolicy& policy);

}  // namespace engine::apps
