#include "apps/predict/decision.h"

#include <cmath>
#include <stdexcept>

#include "apps/common/arguments.h"
#include "metrics/calibration.h"

namespace engine::apps {

namespace {

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * fraction);
  return text;
}

void read_band(const Json& band, DecisionPolicy& policy) {
  policy.checkpoint_band = band;
  const double target = band.at("target_accuracy").as_number();
  if (band.at("reached").as_bool()) {
    const double threshold = band.at("confidence_threshold").as_number();
    if (!(threshold >= 0.5 && threshold <= 1.0)) {
      throw std::invalid_argument("undetermined.confidence_threshold " + format_number(threshold) +
                                  " is outside [0.5, 1]");
    }
    policy.threshold = threshold;
    policy.threshold_source = "checkpoint";
    const Json& accuracy = band.at("decided_accuracy");
    const Json& undetermined = band.at("undetermined_fraction");
    policy.threshold_note =
        "fitted on the validation set: decided cases " +
        std::to_string(accuracy.at("numerator").as_integer()) + "/" +
        std::to_string(accuracy.at("denominator").as_integer()) + " correct (target " +
        percent(target) + "), " + std::to_string(undetermined.at("numerator").as_integer()) + "/" +
        std::to_string(undetermined.at("denominator").as_integer()) +
        " left undetermined; measured on the cases that chose it, so optimistic";
  } else {
    policy.threshold = 0.5;
    policy.threshold_source = "0.5 (no band)";
    policy.threshold_note = "the checkpoint's validation never reached the target accuracy of " +
                            percent(target) +
                            " at any threshold: every case is decided at 0.5 and the estimates "
                            "have no validated accuracy behind them";
  }
}

}  // namespace

DecisionPolicy decision_policy(const models::CheckpointInfo& info, double threshold_override) {
  if (info.options.classes != 2 || info.class_names.size() != 2) {
    throw std::invalid_argument("the checkpoint is not a two-class (female, male) model");
  }
  DecisionPolicy policy;
  policy.class_names = {info.class_names[0], info.class_names[1]};
  const Json& calibration = info.calibration;
  try {
    if (calibration.is_null()) {
      policy.calibration_note =
          "the checkpoint carries no calibration (a stage checkpoint, not train_app's final "
          "best.safetensors?): probabilities are the uncalibrated softmax (T = 1)";
      policy.threshold_source = "0.5 (no band)";
      policy.threshold_note =
          "no undetermined band without calibration: every case is decided at 0.5";
    } else {
      policy.temperature = calibration.at("temperature").as_number();
      if (!(policy.temperature > 0) || !std::isfinite(policy.temperature)) {
        throw std::invalid_argument("temperature " + format_number(policy.temperature));
      }
      policy.calibrated = calibration.at("fitted").as_bool();
      policy.calibration_note =
          policy.calibrated ? "temperature scaling fitted on the validation set, T = " +
                                  format_number(policy.temperature)
                            : "not calibrated (" + calibration.at("reason").as_string() + ")";
      read_band(calibration.at("undetermined"), policy);
    }
  } catch (const std::exception& error) {
    throw std::invalid_argument("the checkpoint's calibration metadata is malformed: " +
                                std::string(error.what()));
  }
  if (threshold_override >= 0) {
    policy.threshold = threshold_override;
    policy.threshold_source = "--threshold";
    policy.threshold_note =
        "set by the examiner on the command line (the checkpoint's: " + policy.threshold_note + ")";
  }
  return policy;
}

double calibrated_male_probability(double logit_female, double logit_male,
                                   const DecisionPolicy& policy) {
  return metrics::calibrated_probability(logit_male - logit_female, policy.temperature);
}

Estimate estimate_from(double probability_male, const DecisionPolicy& policy) {
  Estimate estimate;
  estimate.probability_male = probability_male;
  estimate.decision = metrics::decide(probability_male, policy.threshold);
  estimate.name = metrics::decision_name(estimate.decision, policy.class_names);
  return estimate;
}

Json DecisionPolicy::to_json() const {
  Json json = Json::object();
  Json names = Json::array();
  names.push_back(Json(class_names.class0));
  names.push_back(Json(class_names.class1));
  json.set("class_names", std::move(names));
  json.set("temperature", Json(temperature));
  json.set("calibrated", Json(calibrated));
  json.set("calibration_note", Json(calibration_note));
  json.set("probability",
           Json("p(" + class_names.class1 + ") = sigmoid((logit_" + class_names.class1 +
                " - logit_" + class_names.class0 + ") / temperature); p(" + class_names.class0 +
                ") = 1 - p(" + class_names.class1 + ")"));
  json.set("threshold", Json(threshold));
  json.set("threshold_source", Json(threshold_source));
  json.set("threshold_note", Json(threshold_note));
  json.set("rule", Json("decided when max(p, 1 - p) >= threshold, as the class with p >= 0.5 "
                        "(p = p(" +
                        class_names.class1 + ")); otherwise undetermined"));
  json.set("checkpoint_band", checkpoint_band);
  return json;
}

}  // namespace engine::apps
