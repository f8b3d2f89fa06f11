// The one decision policy as predict_app applies it: the checkpoint's band or the examiner's
// --threshold, a malformed block or a non-binary model refused, and agreement with the band
// train_app fitted on its validation set.
#include <doctest/doctest.h>

#include <random>

#include "apps/predict/decision.h"
#include "apps/predict/options.h"
#include "metrics/calibration.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

models::CheckpointInfo info_with(const Json& calibration) {
  models::CheckpointInfo info;
  info.architecture = "resnet18";
  info.class_names = {"female", "male"};
  info.calibration = calibration;
  return info;
}

}  // namespace

// The policy itself is tested in tests/metrics/decision_policy_test.cpp; here, predict_app's
// use of it: the checkpoint's class names and band, --threshold parsing, and agreement with
// train_app's fitted band.
TEST_CASE("predict_app takes the checkpoint's band, or the examiner's --threshold") {
  const DecisionPolicy policy = decision_policy(info_with(calibration_block(1.3, true, 0.8)), -1);
  CHECK(metrics::source_name(policy.source) == "checkpoint");
  CHECK(policy.threshold == 0.8);
  const DecisionPolicy examiner = decision_policy(info_with(calibration_block(1.0, false, 0)), 0.9);
  CHECK(metrics::source_name(examiner.source) == "--threshold");
  CHECK(metrics::estimate(0.95, examiner).name == "male");
  const DecisionPolicy none = decision_policy(info_with(calibration_block(1.0, false, 0)), -1);
  CHECK(metrics::estimate(0.95, none).name == "undetermined");

  PredictOptions options;
  CHECK(options.threshold_override() < 0);  // default: the checkpoint's
  options.threshold = "0.75";
  CHECK(options.threshold_override() == 0.75);
  for (const char* bad : {"0.4", "1.5", "abc", "", "0.8x"}) {
    options.threshold = bad;
    CHECK_THROWS_AS(options.threshold_override(), ArgumentError);
  }
}

TEST_CASE("malformed calibration metadata or a non-binary model is refused") {
  Json negative = calibration_block(-1.0, true, 0.8);
  CHECK_THROWS_AS(decision_policy(info_with(negative), -1), std::invalid_argument);
  Json outside = calibration_block(1.0, true, 0.3);
  CHECK_THROWS_AS(decision_policy(info_with(outside), -1), std::invalid_argument);
  Json missing = Json::object();
  missing.set("temperature", Json(1.0));
  CHECK_THROWS_AS(decision_policy(info_with(missing), -1), std::invalid_argument);
  models::CheckpointInfo three = info_with(calibration_block(1.0, true, 0.8));
  three.class_names.push_back("other");
  three.options.classes = 3;
  CHECK_THROWS_AS(decision_policy(three, -1), std::invalid_argument);
}

TEST_CASE("deciding with the band train_app fits gives its accuracy and undetermined count") {
  // A synthetic validation set of calibrated probabilities; train_app's fit chooses the band,
  // stores it as JSON in the checkpoint, and predict_app's decisions must reproduce its figures.
  std::mt19937_64 generator(7);
  std::normal_distribution<double> margin_of(0.0, 2.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> probabilities;
  std::vector<int> labels;
  for (int i = 0; i < 2000; ++i) {
    const double p = metrics::calibrated_probability(margin_of(generator), 1.0);
    probabilities.push_back(p);
    labels.push_back(uniform(generator) < p ? 1 : 0);
  }
  const metrics::UndeterminedBand band = metrics::fit_undetermined_band(labels, probabilities, 0.9);
  REQUIRE(band.reached);
  Json calibration = calibration_block(1.0, true, 0.5);
  calibration.set("undetermined", metrics::to_json(band));
  const DecisionPolicy policy = decision_policy(info_with(calibration), -1);
  CHECK(policy.threshold == band.confidence_threshold);
  std::int64_t decided = 0, correct = 0, undetermined = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const Estimate estimate = metrics::estimate(probabilities[i], policy);
    if (!estimate.decision.determined) {
      ++undetermined;
      continue;
    }
    ++decided;
    correct += estimate.decision.predicted_class == labels[i] ? 1 : 0;
  }
  CHECK(undetermined == band.undetermined_fraction.numerator);
  CHECK(decided == band.decided_accuracy.denominator);
  CHECK(correct == band.decided_accuracy.numerator);
  CHECK(static_cast<double>(correct) / decided >= 0.9);
}

}  // namespace engine::apps::testing
