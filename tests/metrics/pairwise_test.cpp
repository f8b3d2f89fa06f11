// Holm's adjustment and the table of every pair of models, against statsmodels and the
// independent DeLong of tests/fixtures/paired_statistics.json.
#include "metrics/pairwise.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "metrics/error.h"
#include "tests/metrics/paired_fixture.h"

namespace engine::metrics::testing {

namespace {

PairwiseInput fixture_input() {
  const Json& fixture = paired_fixture().at("pairwise");
  PairwiseInput input;
  input.description = "fixture";
  input.labels = integers_of(fixture.at("labels"));
  const Json::Array& names = fixture.at("names").as_array();
  const Json::Array& scores = fixture.at("probabilities").as_array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    input.models.push_back({names[i].as_string(), numbers_of(scores[i])});
  }
  input.positive_class = static_cast<int>(fixture.at("positive_class").as_integer());
  input.threshold = fixture.at("threshold").as_number();
  input.bootstrap_seed = 5;
  input.bootstrap_replicates = 200;
  return input;
}

}  // namespace

TEST_CASE("Holm's adjustment agrees with statsmodels, ties included") {
  for (const Json& entry : paired_fixture().at("holm").as_array()) {
    const std::vector<double> adjusted = holm_adjusted(numbers_of(entry.at("p")));
    const std::vector<double> expected = numbers_of(entry.at("adjusted"));
    REQUIRE(adjusted.size() == expected.size());
    for (std::size_t i = 0; i < adjusted.size(); ++i) {
      CAPTURE(i);
      CHECK(close_to(adjusted[i], expected[i], 1e-15));
    }
  }
}

TEST_CASE("Holm by hand, and an undefined p-value counts in the family but stays undefined") {
  // Sorted 0.01, 0.04, 0.03 -> 0.01, 0.03, 0.04: 3 * 0.01, max(0.03, 2 * 0.03), max(0.06, 0.04).
  const std::vector<double> adjusted = holm_adjusted({0.01, 0.04, 0.03});
  CHECK(adjusted[0] == doctest::Approx(0.03));
  CHECK(adjusted[1] == doctest::Approx(0.06));
  CHECK(adjusted[2] == doctest::Approx(0.06));
  const double undefined = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> with_undefined = holm_adjusted({0.04, undefined, 0.01});
  CHECK(with_undefined[2] == doctest::Approx(0.03));  // m = 3, not 2
  CHECK(with_undefined[0] == doctest::Approx(0.08));
  CHECK(std::isnan(with_undefined[1]));
  CHECK(holm_adjusted({}).empty());
  CHECK(holm_adjusted({0.6, 0.7}) == std::vector<double>{1.0, 1.0});
  CHECK_THROWS_WITH_AS(holm_adjusted({0.1, 1.5}), doctest::Contains("p_values[1]"), MetricsError);
}

TEST_CASE("three models: every pair, its tests and the Holm-adjusted p-values") {
  const PairwiseComparisons result = compare_pairwise(fixture_input());
  const Json::Array& expected = paired_fixture().at("pairwise").at("pairs").as_array();
  REQUIRE(result.pairs.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const PairComparison& pair = result.pairs[i];
    CAPTURE(i);
    CHECK(result.model_names[pair.a] == expected[i].at("a").as_string());
    CHECK(result.model_names[pair.b] == expected[i].at("b").as_string());
    CHECK(pair.accuracy.p_value == expected[i].at("mcnemar_p").as_number());
    CHECK(close_to(pair.accuracy_p_holm, expected[i].at("mcnemar_p_holm").as_number(), 1e-15));
    CHECK(close_to(pair.auc.p_value, expected[i].at("delong_p").as_number(), 1e-12));
    CHECK(close_to(pair.auc_p_holm, expected[i].at("delong_p_holm").as_number(), 1e-12));
    CHECK(close_to(pair.auc.difference, expected[i].at("auc_difference").as_number(), 1e-13));
    CHECK(pair.auc_bootstrap.difference.estimate == pair.auc.difference);
  }
}

TEST_CASE("the JSON names the families, the adjustment and the caveats, for a printed table") {
  const Json json = to_json(compare_pairwise(fixture_input()));
  CHECK(json.at("models").as_array().size() == 3);
  const Json::Array& families = json.at("multiple_comparisons").as_array();
  REQUIRE(families.size() == 2);
  CHECK(families[0].at("tests").as_integer() == 3);
  CHECK(families[0].at("adjustment").as_string().find("Holm") != std::string::npos);
  CHECK(json.at("caveats").as_string().find("not evidence") != std::string::npos);
  const Json& pair = json.at("pairs").as_array()[1];
  CHECK(pair.at("a").as_string() == "resnet18");
  CHECK(pair.at("b").as_string() == "efficientnet_b0");
  CHECK(pair.at("accuracy").at("p_value_holm").is_number());
  CHECK(pair.at("auc").at("p_value_holm").is_number());
  CHECK(pair.at("auc").at("bootstrap").at("seed").as_string() == "5");
}

TEST_CASE("an undefined DeLong p-value is an undefined adjusted value in the table") {
  PairwiseInput input;
  input.labels = {0, 0, 1, 1};
  input.models = {{"a", {0.1, 0.2, 0.8, 0.9}},
                  {"b", {0.7, 0.2, 0.6, 0.9}},
                  {"copy of a", {0.1, 0.2, 0.8, 0.9}}};
  input.positive_class = 1;
  input.bootstrap_seed = 1;
  input.bootstrap_replicates = 20;
  const PairwiseComparisons result = compare_pairwise(input);
  CHECK(std::isnan(result.pairs[1].auc.p_value));  // a against its copy
  CHECK(std::isnan(result.pairs[1].auc_p_holm));
  CHECK(to_json(result).at("pairs").as_array()[1].at("auc").at("p_value_holm").is_null());
  CHECK(result.pairs[1].accuracy.p_value == 1.0);
}

TEST_CASE("bad input is refused with the problem named") {
  PairwiseInput input = fixture_input();
  input.models.resize(1);
  CHECK_THROWS_WITH_AS(compare_pairwise(input), doctest::Contains("at least 2"), MetricsError);
  input = fixture_input();
  input.positive_class = -1;
  CHECK_THROWS_WITH_AS(compare_pairwise(input), doctest::Contains("positive class"), MetricsError);
  input = fixture_input();
  input.bootstrap_seed.reset();
  CHECK_THROWS_WITH_AS(compare_pairwise(input), doctest::Contains("seed"), MetricsError);
  input = fixture_input();
  input.models[2].name = input.models[0].name;
  CHECK_THROWS_WITH_AS(compare_pairwise(input), doctest::Contains("two models are named"),
                       MetricsError);
  input = fixture_input();
  input.models[1].probabilities_class1.pop_back();
  CHECK_THROWS_WITH_AS(compare_pairwise(input), doctest::Contains("model \"resnet50\""),
                       MetricsError);
}

}  // namespace engine::metrics::testing
