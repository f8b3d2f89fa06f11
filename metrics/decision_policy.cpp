#include "metrics/decision_policy.h"

#include <cmath>
#include <cstdio>

#include "metrics/calibration.h"
#include "metrics/error.h"

namespace engine::metrics {

namespace {

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * fraction);
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string ratio_text(const Json& ratio) {
  return std::to_string(ratio.at("numerator").as_integer()) + "/" +
         std::to_string(ratio.at("denominator").as_integer());
}

void read_band(const Json& band, DecisionPolicy& policy) {
  policy.band = band;
  if (!band.at("reached").as_bool()) {
    policy.source = ThresholdSource::none;
    policy.threshold_note = no_threshold_text(band);
    return;
  }
  const double threshold = band.at("confidence_threshold").as_number();
  if (!(threshold >= 0.5 && threshold <= 1.0)) {
    throw MetricsError("undetermined.confidence_threshold " + number(threshold) +
                       " is outside [0.5, 1]");
  }
  policy.source = ThresholdSource::validation;
  policy.threshold = threshold;
  policy.threshold_note = "fitted on the validation set: decided cases " +
                          ratio_text(band.at("decided_accuracy")) + " correct (target " +
                          percent(band.at("target_accuracy").as_number()) + "), " +
                          ratio_text(band.at("undetermined_fraction")) +
                          " left undetermined; measured on the cases that chose it, so optimistic";
}

}  // namespace

std::string source_name(ThresholdSource source) {
  switch (source) {
    case ThresholdSource::validation: return "checkpoint";
    case ThresholdSource::examiner: return "--threshold";
    case ThresholdSource::none: return "none";
  }
  return "none";
}

std::string no_threshold_text(const Json& band) {
  std::string why = "the checkpoint carries no undetermined band";
  if (band.is_object()) {
    why = "the validation never reached the target accuracy of " +
          percent(band.at("target_accuracy").as_number()) + " at any threshold";
  }
  return "no validated threshold (" + why +
         "): every case is undetermined unless the examiner sets a threshold (--threshold)";
}

DecisionPolicy decision_policy(const ClassNames& class_names, const Json& calibration,
                               std::optional<double> examiner_threshold) {
  DecisionPolicy policy;
  policy.class_names = class_names;
  try {
    if (calibration.is_null()) {
      policy.calibration_note =
          "the checkpoint carries no calibration (a stage checkpoint, not train_app's final "
          "best.safetensors?): probabilities are the uncalibrated softmax (T = 1)";
      policy.threshold_note = no_threshold_text(nullptr);
    } else {
      policy.temperature = calibration.at("temperature").as_number();
      if (!(policy.temperature > 0) || !std::isfinite(policy.temperature)) {
        throw MetricsError("temperature " + number(policy.temperature));
      }
      policy.calibrated = calibration.at("fitted").as_bool();
      policy.calibration_note =
          policy.calibrated ? "temperature scaling fitted on the validation set, T = " +
                                  number(policy.temperature)
                            : "not calibrated (" + calibration.at("reason").as_string() + ")";
      read_band(calibration.at("undetermined"), policy);
    }
  } catch (const std::exception& error) {
    throw MetricsError("the checkpoint's calibration metadata is malformed: " +
                       std::string(error.what()));
  }
  if (examiner_threshold) {
    check_threshold(*examiner_threshold, "decision_policy");
    if (*examiner_threshold < 0.5) {
      throw MetricsError("decision_policy: the examiner's threshold " +
                         number(*examiner_threshold) + " is below 0.5");
    }
    policy.threshold_note =
        "set by the examiner on the command line (the checkpoint's: " + policy.threshold_note + ")";
    policy.source = ThresholdSource::examiner;
    policy.threshold = *examiner_threshold;
  }
  return policy;
}

Json calibration_metadata(const TemperatureFit& fit, const UndeterminedBand& band) {
  Json calibration = Json::object();
  calibration.set("temperature", Json(fit.fitted ? fit.temperature : 1.0));
  calibration.set("fitted", Json(fit.fitted));
  calibration.set("reason",
                  Json(fit.fitted ? std::string()
                                  : fit.failure + "; probabilities are left uncalibrated (T = 1)"));
  calibration.set("fit", to_json(fit));
  calibration.set("undetermined", to_json(band));
  return calibration;
}

double calibrated_probability_class1(double logit_class0, double logit_class1,
                                     const DecisionPolicy& policy) {
  return calibrated_probability(logit_class1 - logit_class0, policy.temperature);
}

Estimate estimate(double probability_class1, const DecisionPolicy& policy) {
  Estimate result;
  result.probability_class1 = probability_class1;
  if (policy.decides()) {
    result.decision = decide(probability_class1, policy.threshold);
  } else {
    check_probabilities({probability_class1}, "estimate");
    result.decision.confidence = confidence_of(probability_class1);
  }
  result.name = decision_name(result.decision, policy.class_names);
  return result;
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
  json.set("threshold", decides() ? Json(threshold) : Json(nullptr));
  json.set("threshold_source", Json(source_name(source)));
  json.set("threshold_note", Json(threshold_note));
  json.set("rule", Json(decides() ? "decided when max(p, 1 - p) >= threshold, as the class with "
                                    "p >= 0.5 (p = p(" +
                                        class_names.class1 + ")); otherwise undetermined"
                                  : "no threshold: every case undetermined"));
  json.set("checkpoint_band", band);
  return json;
}

}  // namespace engine::metrics
