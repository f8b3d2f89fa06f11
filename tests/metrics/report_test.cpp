// The full evaluation on the ten hand cases (hand_cases.h): it must carry the same numbers as
// the single-purpose functions, name the positive class, record the seed, and refuse to run
// without an explicit positive class and seed.
#include "metrics/report.h"

#include <doctest/doctest.h>

#include <string>

#include "metrics/error.h"
#include "tests/metrics/hand_cases.h"

namespace engine::metrics::testing {

namespace {

EvaluationInput ten_case_input() {
  const TenCases cases;
  EvaluationInput input;
  input.description = "ten hand cases";
  input.probabilities_class1 = cases.probabilities;
  input.labels = cases.labels;
  input.positive_class = 1;
  input.bootstrap_seed = 2024;
  input.bootstrap_replicates = 200;
  input.ids = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  // Ages in years; one missing.
  input.ages_years = {3.0, 7.0, 11.0, 14.0, 17.0, 4.0, 8.0, std::nullopt, 12.0, 15.0};
  return input;
}

}  // namespace

TEST_CASE("evaluation of the ten hand cases") {
  const Evaluation evaluation = evaluate(ten_case_input());
  CHECK(evaluation.positive.positive_name == "male");
  CHECK(evaluation.positive.true_positives == 4);
  CHECK(evaluation.positive.f1.numerator == 8);
  CHECK(evaluation.positive.f1.denominator == 11);
  // 3 errors of 10: Clopper-Pearson one-sided 95% upper bound (mpmath: 0.60662421610541343).
  CHECK(evaluation.error_rate.observed.numerator == 3);
  CHECK(evaluation.error_rate.upper_bound == doctest::Approx(0.60662421610541343).epsilon(1e-12));
  // 19 of 24 male-female pairs ordered correctly.
  CHECK(evaluation.auc == 19.0 / 24.0);
  CHECK(evaluation.auc_interval.seed == 2024);
  CHECK(evaluation.f1_interval.replicates == 200);
  CHECK(evaluation.bias.difference == doctest::Approx(-1.0 / 12.0).epsilon(1e-14));
  REQUIRE(evaluation.age_bands);
  CHECK(evaluation.age_bands->without_age == 1);
  // Misclassified: d (male, 0.4), g (female, 0.55), h (male, 0.2).
  CHECK(evaluation.misclassified_ids == std::vector<std::string>{"d", "g", "h"});

  const Json json = to_json(evaluation);
  CHECK(json.at("positive_class_figures").at("positive_class").as_string() == "male");
  CHECK(json.at("positive_class_figures").at("f1_interval").at("seed").as_string() == "2024");
  CHECK(json.at("auc_interval").at("replicates").as_integer() == 200);
  CHECK(json.at("accuracy").at("numerator").as_integer() == 7);
  CHECK(json.at("sex_bias").at("definition").as_string() == "recall(male) - recall(female)");
  CHECK(json.at("age_bands").at("bands").as_array().size() == 5);
  // The dump parses back (no NaN or infinity leaks into the text).
  CHECK(Json::parse(json.dump(2)).at("description").as_string() == "ten hand cases");

  const std::string summary = summary_text(evaluation);
  CHECK(summary.find("positive: male") != std::string::npos);
  CHECK(summary.find("seed 2024") != std::string::npos);
}

TEST_CASE("the positive class and the bootstrap seed must be chosen") {
  EvaluationInput input = ten_case_input();
  input.positive_class = -1;
  CHECK_THROWS_WITH_AS(evaluate(input), doctest::Contains("positive class"), MetricsError);
  input = ten_case_input();
  input.bootstrap_seed.reset();
  CHECK_THROWS_WITH_AS(evaluate(input), doctest::Contains("seed"), MetricsError);
  input = ten_case_input();
  input.ids.pop_back();
  CHECK_THROWS_AS(evaluate(input), MetricsError);
}

TEST_CASE("one class only: ROC is reported missing, the rest is still computed") {
  EvaluationInput input;
  input.probabilities_class1 = {0.9, 0.3, 0.8};
  input.labels = {1, 1, 1};
  input.positive_class = 1;
  input.bootstrap_seed = 1;
  input.bootstrap_replicates = 50;
  const Evaluation evaluation = evaluate(input);
  CHECK_FALSE(evaluation.roc);
  CHECK(evaluation.roc_missing_reason.find("one class") != std::string::npos);
  CHECK(evaluation.positive.recall.numerator == 2);
  CHECK_FALSE(evaluation.positive.specificity.defined());
  const Json json = to_json(evaluation);
  CHECK(json.at("roc").is_null());
  CHECK(json.at("balanced_accuracy").is_null());
  CHECK(json.at("age_bands").is_null());
}

}  // namespace engine::metrics::testing
