// Sex bias and Newcombe's interval for a difference of two proportions.
//
// Published values, Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10:
//   (a) 56/70 - 48/80 = 0.2    -> [0.0524, 0.3339]
//   (b) 9/10  - 3/10  = 0.6    -> [0.1705, 0.8090]
//   (d) 5/56  - 0/29  = 0.0893 -> [-0.0381, 0.1926]
// Recomputed at 40 digits (mpmath) from the two Wilson intervals with z = 1.959963984540054:
//   (a) [0.052431472402364896, 0.33387265403690596]
//   (b) [0.17052272393450293, 0.80901797353548797]
//   (d) [-0.038137147903536879, 0.1925600138551116]
// Ten hand cases (hand_cases.h): recall(male) = 4/6, recall(female) = 3/4,
//   bias = 2/3 - 3/4 = -1/12; interval for 4/6 - 3/4: [-0.50313556613380217, 0.42448976252361332].
// Tolerance 1e-12: a few dozen double operations on values of order 1.
#include "metrics/bias.h"

#include <doctest/doctest.h>

#include <cmath>

#include "tests/metrics/hand_cases.h"

namespace engine::metrics::testing {

TEST_CASE("Newcombe method 10 reproduces the published examples") {
  const Interval a = newcombe_difference_interval(56, 70, 48, 80);
  CHECK(a.lower == doctest::Approx(0.052431472402364896).epsilon(1e-12));
  CHECK(a.upper == doctest::Approx(0.33387265403690596).epsilon(1e-12));
  CHECK(std::round(a.lower * 1e4) == 524);
  CHECK(std::round(a.upper * 1e4) == 3339);
  const Interval b = newcombe_difference_interval(9, 10, 3, 10);
  CHECK(b.lower == doctest::Approx(0.17052272393450293).epsilon(1e-12));
  CHECK(b.upper == doctest::Approx(0.80901797353548797).epsilon(1e-12));
  const Interval d = newcombe_difference_interval(5, 56, 0, 29);
  CHECK(d.lower == doctest::Approx(-0.038137147903536879).epsilon(1e-12));
  CHECK(d.upper == doctest::Approx(0.1925600138551116).epsilon(1e-12));
  CHECK_FALSE(newcombe_difference_interval(1, 2, 0, 0).defined());
}

TEST_CASE("sex bias of the ten hand cases") {
  const TenCases cases;
  const SexBias bias = sex_bias(confusion_matrix_at_threshold(cases.labels, cases.probabilities));
  CHECK(bias.definition == "recall(male) - recall(female)");
  CHECK(bias.recall_class1.numerator == 4);
  CHECK(bias.recall_class1.denominator == 6);
  CHECK(bias.recall_class0.numerator == 3);
  CHECK(bias.recall_class0.denominator == 4);
  CHECK(bias.difference == doctest::Approx(-1.0 / 12.0).epsilon(1e-14));
  CHECK(bias.interval.lower == doctest::Approx(-0.50313556613380217).epsilon(1e-12));
  CHECK(bias.interval.upper == doctest::Approx(0.42448976252361332).epsilon(1e-12));
  const Json json = to_json(bias, ClassNames{});
  CHECK(json.at("definition").as_string() == "recall(male) - recall(female)");
  CHECK(json.at("recall_male").at("numerator").as_integer() == 4);
  CHECK(json.at("recall_female").at("interval_95").at("upper").as_number() <= 1.0);
}

TEST_CASE("sex bias uses the caller's class names and is undefined without both sexes") {
  ConfusionMatrix matrix = confusion_matrix({1, 1, 1}, {1, 0, 1}, ClassNames{"F", "M"});
  const SexBias bias = sex_bias(matrix);
  CHECK(bias.definition == "recall(M) - recall(F)");
  CHECK(std::isnan(bias.difference));
  CHECK_FALSE(bias.interval.defined());
}

}  // namespace engine::metrics::testing
