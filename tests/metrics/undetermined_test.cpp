// The undetermined band on a constructed validation set with known answers, and single-case
// decisions.
//
// Ten cases (p = calibrated p(male); confidence = max(p, 1 - p); predicted male when p >= 0.5):
//   p      true    confidence  correct
//   0.99   male    0.99        yes
//   0.97   male    0.97        yes
//   0.03   female  0.97        yes     (tied with the case above: decided together)
//   0.95   male    0.95        yes
//   0.90   female  0.90        no
//   0.15   female  0.85        yes
//   0.80   male    0.80        yes
//   0.30   male    0.70        no
//   0.60   female  0.60        no
//   0.45   female  0.55        yes
// Accuracy of the cases with confidence >= c, walking c down the distinct confidences:
//   c     0.99  0.97  0.95  0.90  0.85  0.80  0.70  0.60  0.55
//   acc   1/1   3/3   4/4   4/5   5/6   6/7   6/8   6/9   7/10
// Target 0.95 -> smallest c with acc >= 0.95 is 0.95: 4 decided, 4/4, 6/10 undetermined.
// Target 0.85 -> 0.80 (6/7 = 0.857), although 0.90 and 0.85 miss it (accuracy is not monotone
//                in c): 7 decided, 3/10 undetermined.
// Target 0.70 -> 0.55, where the accuracy is exactly 7/10: nothing undetermined.
#include "metrics/undetermined.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metrics/error.h"

namespace engine::metrics::testing {

namespace {

const std::vector<double> probabilities = {0.99, 0.97, 0.03, 0.95, 0.90,
                                           0.15, 0.80, 0.30, 0.60, 0.45};
const std::vector<int> labels = {1, 1, 0, 1, 0, 0, 1, 1, 0, 0};

}  // namespace

TEST_CASE("target 0.95: threshold 0.95, four decided, six undetermined") {
  const UndeterminedBand band = fit_undetermined_band(labels, probabilities, 0.95);
  REQUIRE(band.reached);
  CHECK(band.confidence_threshold == 0.95);
  CHECK(band.decided_accuracy.numerator == 4);
  CHECK(band.decided_accuracy.denominator == 4);
  CHECK(band.undetermined_fraction.numerator == 6);
  CHECK(band.undetermined_fraction.denominator == 10);
  // Wilson for 4/4: [0.5101...] from (n / (n + z^2)) = 4 / 7.84146 = 0.51011.
  CHECK(band.decided_accuracy_interval.lower ==
        doctest::Approx(4 / (4 + 1.959963984540054 * 1.959963984540054)).epsilon(1e-13));
  CHECK(band.decided_accuracy_interval.upper == 1.0);
}

TEST_CASE("target 0.85: the smallest threshold wins even past a dip") {
  const UndeterminedBand band = fit_undetermined_band(labels, probabilities, 0.85);
  REQUIRE(band.reached);
  CHECK(band.confidence_threshold == 0.80);
  CHECK(band.decided_accuracy.numerator == 6);
  CHECK(band.decided_accuracy.denominator == 7);
  CHECK(band.undetermined_fraction.numerator == 3);
}

TEST_CASE("target met exactly (7/10 against 0.7) counts as reached") {
  const UndeterminedBand band = fit_undetermined_band(labels, probabilities, 0.7);
  REQUIRE(band.reached);
  CHECK(band.confidence_threshold == doctest::Approx(0.55).epsilon(1e-15));
  CHECK(band.undetermined_fraction.numerator == 0);
}

TEST_CASE("a target no threshold reaches is reported as not reached") {
  // The most confident case is wrong, so no decided set reaches accuracy 1.
  const UndeterminedBand band = fit_undetermined_band({1, 1, 0, 1}, {0.05, 0.8, 0.7, 0.4}, 1.0);
  CHECK_FALSE(band.reached);
  CHECK(std::isnan(band.confidence_threshold));
  CHECK_FALSE(band.decided_accuracy.defined());
  CHECK(band.undetermined_fraction.numerator == 4);
  // confidences 0.95 (wrong), 0.8 (right), 0.7 (wrong), 0.6 (wrong): accuracies 0/1, 1/2, 1/3,
  // 1/4; the best is 1/2 at 0.8.
  CHECK(band.best_accuracy.numerator == 1);
  CHECK(band.best_accuracy.denominator == 2);
  CHECK(band.best_accuracy_threshold == 0.8);
  const Json json = to_json(band);
  CHECK_FALSE(json.at("reached").as_bool());
  CHECK(json.at("confidence_threshold").is_null());
}

TEST_CASE("deciding one case") {
  const ClassNames names;
  CHECK(decision_name(decide(0.96, 0.95), names) == "male");
  CHECK(decision_name(decide(0.03, 0.95), names) == "female");
  CHECK(decision_name(decide(0.94, 0.95), names) == "undetermined");
  CHECK(decision_name(decide(0.5, 0.95), names) == "undetermined");
  // At exactly the threshold the case is decided (confidence >= threshold).
  const CaseDecision edge = decide(0.95, 0.95);
  CHECK(edge.determined);
  CHECK(edge.predicted_class == 1);
  CHECK(edge.confidence == 0.95);
  const CaseDecision undetermined = decide(0.6, 0.95);
  CHECK(undetermined.predicted_class == -1);
  // Threshold 0.5 decides everything (no undetermined band).
  CHECK(decide(0.5, 0.5).determined);
  CHECK(decision_name(decide(0.2, 0.9), ClassNames{"F", "M"}) == "undetermined");
  CHECK(decision_name(decide(0.05, 0.9), ClassNames{"F", "M"}) == "F");
  CHECK_THROWS_AS(decide(0.9, std::nan("")), MetricsError);
  CHECK_THROWS_AS(decide(0.9, 0.4), MetricsError);
  CHECK_THROWS_AS(decide(1.2, 0.9), MetricsError);
}

TEST_CASE("undetermined band input errors") {
  CHECK_THROWS_AS(fit_undetermined_band({}, {}), MetricsError);
  CHECK_THROWS_AS(fit_undetermined_band({1}, {0.9}, 0.0), MetricsError);
  CHECK_THROWS_AS(fit_undetermined_band({1}, {0.9}, 1.5), MetricsError);
}

}  // namespace engine::metrics::testing
