// The one decision policy (metrics/decision_policy.h): where the threshold comes from (the
// checkpoint's band, the examiner, or none), the decision at and around it, and that without a
// validated threshold every case is undetermined.
#include "metrics/decision_policy.h"

#include <doctest/doctest.h>

#include <cmath>

#include "metrics/error.h"
#include "tests/harness/calibration_block.h"

namespace engine::metrics {

using testing::calibration_block;

TEST_CASE("the checkpoint's threshold decides; below it a case is undetermined") {
  const DecisionPolicy policy = decision_policy({}, calibration_block(1.3, true, 0.8));
  CHECK(policy.decides());
  CHECK(policy.threshold == 0.8);
  CHECK(source_name(policy.source) == "checkpoint");
  CHECK(policy.threshold_note.find("19/20 correct") != std::string::npos);
  CHECK(estimate(0.85, policy).name == "male");
  CHECK(estimate(0.15, policy).name == "female");
  CHECK(estimate(0.8, policy).name == "male");    // confidence equal to the threshold
  CHECK(estimate(0.2, policy).name == "female");  // confidence 0.8 as well
  CHECK(estimate(0.79, policy).name == "undetermined");
  CHECK(estimate(0.21, policy).name == "undetermined");
  CHECK(estimate(0.5, policy).name == "undetermined");
  const Estimate undecided = estimate(0.7, policy);
  CHECK_FALSE(undecided.decision.determined);
  CHECK(undecided.decision.confidence == doctest::Approx(0.7));
  CHECK(calibrated_probability_class1(0.0, 1.3, policy) ==
        doctest::Approx(1 / (1 + std::exp(-1.0))));
}

TEST_CASE("without a validated threshold every case is undetermined, and the output says why") {
  const DecisionPolicy policy = decision_policy({}, calibration_block(1.0, false, 0));
  CHECK_FALSE(policy.decides());
  CHECK(source_name(policy.source) == "none");
  CHECK(policy.threshold_note.find("never reached the target accuracy of 95.0%") !=
        std::string::npos);
  CHECK(policy.threshold_note.find("every case is undetermined unless the examiner sets") !=
        std::string::npos);
  for (double p : {0.0, 0.01, 0.4999, 0.5, 0.9, 1.0}) {
    CAPTURE(p);
    const Estimate result = estimate(p, policy);
    CHECK(result.name == "undetermined");
    CHECK_FALSE(result.decision.determined);
    CHECK(result.decision.confidence == doctest::Approx(std::max(p, 1 - p)));
  }
  const Json json = policy.to_json();
  CHECK(json.at("threshold").is_null());
  CHECK(json.at("threshold_source").as_string() == "none");

  const DecisionPolicy uncalibrated = decision_policy({}, nullptr);
  CHECK(uncalibrated.temperature == 1.0);
  CHECK_FALSE(uncalibrated.calibrated);
  CHECK_FALSE(uncalibrated.decides());
  CHECK(uncalibrated.calibration_note.find("no calibration") != std::string::npos);
  CHECK(estimate(0.99, uncalibrated).name == "undetermined");
}

TEST_CASE("the examiner's threshold replaces the checkpoint's, or stands in for a missing one") {
  const DecisionPolicy stricter = decision_policy({}, calibration_block(1.0, true, 0.8), 0.95);
  CHECK(source_name(stricter.source) == "--threshold");
  CHECK(stricter.threshold_note.find("set by the examiner") == 0);
  CHECK(estimate(0.9, stricter).name == "undetermined");
  CHECK(estimate(0.96, stricter).name == "male");

  const DecisionPolicy chosen = decision_policy({"F", "M"}, calibration_block(1.0, false, 0), 0.5);
  CHECK(chosen.decides());
  CHECK(chosen.threshold_note.find("never reached") != std::string::npos);  // the record stays
  CHECK(estimate(0.5, chosen).name == "M");  // p = 0.5 counts as class 1 (classes.h)
  CHECK(estimate(0.4999, chosen).name == "F");

  CHECK_THROWS_AS(decision_policy({}, nullptr, 0.4), MetricsError);
  CHECK_THROWS_AS(decision_policy({}, nullptr, 1.5), MetricsError);
}

TEST_CASE("malformed calibration metadata is refused with the field named") {
  CHECK_THROWS_WITH_AS(decision_policy({}, calibration_block(-1.0, true, 0.8)),
                       doctest::Contains("temperature -1"), MetricsError);
  CHECK_THROWS_WITH_AS(decision_policy({}, calibration_block(1.0, true, 0.3)),
                       doctest::Contains("confidence_threshold 0.3 is outside [0.5, 1]"),
                       MetricsError);
  Json missing = Json::object();
  missing.set("temperature", Json(1.0));
  CHECK_THROWS_WITH_AS(decision_policy({}, missing), doctest::Contains("malformed"), MetricsError);
}

}  // namespace engine::metrics

namespace engine::metrics {

TEST_CASE("calibration_metadata writes the block decision_policy reads, fitted or not") {
  const std::vector<int> labels = {0, 1, 0, 1, 1, 0, 1, 0};
  const std::vector<double> margins = {-2.0, 1.5, 0.5, 3.0, -0.4, -1.0, 2.2, -3.1};
  const TemperatureFit fit = fit_temperature(labels, margins);
  REQUIRE(fit.fitted);
  const UndeterminedBand band =
      fit_undetermined_band(labels, calibrated_probabilities(margins, fit.temperature), 0.8);
  const DecisionPolicy policy = decision_policy({}, calibration_metadata(fit, band));
  CHECK(policy.calibrated);
  CHECK(policy.temperature == fit.temperature);
  CHECK(policy.decides() == band.reached);

  TemperatureFit failed;
  failed.failure = "separable";
  failed.temperature = std::nan("");
  const Json block = calibration_metadata(failed, band);
  CHECK(block.at("temperature").as_number() == 1.0);
  CHECK(block.at("reason").as_string().find("separable") != std::string::npos);
  const DecisionPolicy uncalibrated = decision_policy({}, block);
  CHECK_FALSE(uncalibrated.calibrated);
  CHECK(uncalibrated.temperature == 1.0);
}

}  // namespace engine::metrics
