// DeLong's test for two correlated AUCs: agreement with the independent reference of
// tests/fixtures/paired_statistics.json (the definition's m x n structural components), the
// same AUC as metrics/roc.h to the bit, its symmetries, and the undefined cases.
#include "metrics/delong.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metrics/error.h"
#include "metrics/roc.h"
#include "tests/metrics/paired_fixture.h"

namespace engine::metrics::testing {

namespace {

// The fixture's values are numpy sums in floating point; ours are exact integers rounded once.
void check_against(const DeLongTest& test, const Json& expected) {
  CHECK(close_to(test.auc_a, expected.at("auc_a").as_number(), 1e-15));
  CHECK(close_to(test.auc_b, expected.at("auc_b").as_number(), 1e-15));
  CHECK(close_to(test.difference, expected.at("difference").as_number(), 1e-13, 1e-16));
  CHECK(close_to(test.variance_a, expected.at("variance_a").as_number(), 1e-13, 1e-18));
  CHECK(close_to(test.variance_b, expected.at("variance_b").as_number(), 1e-13, 1e-18));
  CHECK(close_to(test.covariance, expected.at("covariance").as_number(), 1e-13, 1e-18));
  CHECK(close_to(test.variance_difference, expected.at("variance_difference").as_number(), 1e-13,
                 1e-18));
  if (expected.at("p").is_null()) {
    CHECK(std::isnan(test.z));
    CHECK(std::isnan(test.p_value));
    CHECK(test.variance_difference == 0.0);  // exactly, not a rounding residue
    CHECK_FALSE(test.undefined_reason.empty());
  } else {
    CHECK(close_to(test.z, expected.at("z").as_number(), 1e-13));
    CHECK(close_to(test.p_value, expected.at("p").as_number(), 1e-12));
    CHECK(test.undefined_reason.empty());
  }
}

}  // namespace

TEST_CASE("DeLong agrees with the definition's structural components on every fixture case") {
  for (const Json& entry : paired_fixture().at("paired_cases").as_array()) {
    CAPTURE(entry.at("name").as_string());
    const DeLongTest test = delong_test(integers_of(entry.at("labels")), numbers_of(entry.at("a")),
                                        numbers_of(entry.at("b")),
                                        static_cast<int>(entry.at("positive_class").as_integer()));
    check_against(test, entry.at("delong"));
  }
}

TEST_CASE("DeLong on 1000 hashed cases with many ties") {
  const HashedCase sample = hashed_case(1000);
  const Json& expected = paired_fixture().at("hashed_case");
  REQUIRE(expected.at("hashed_cases").as_integer() == 1000);
  const DeLongTest test = delong_test(sample.labels, sample.a, sample.b, 1);
  check_against(test, expected.at("delong"));
  CHECK(test.positives + test.negatives == 1000);
}

TEST_CASE("the AUCs are roc.h's, to the bit, for either positive class") {
  const HashedCase sample = hashed_case(300);
  for (int positive_class : {0, 1}) {
    const DeLongTest test = delong_test(sample.labels, sample.a, sample.b, positive_class);
    CHECK(test.auc_a == mann_whitney_auc(sample.labels, sample.a, positive_class));
    CHECK(test.auc_b == mann_whitney_auc(sample.labels, sample.b, positive_class));
    CHECK(test.auc_a == area_under_curve(roc_curve(sample.labels, sample.a, positive_class)));
  }
}

TEST_CASE("symmetries: swapping the classifiers, the positive class, the case order") {
  const HashedCase sample = hashed_case(200);
  const DeLongTest forward = delong_test(sample.labels, sample.a, sample.b, 1);
  const DeLongTest swapped = delong_test(sample.labels, sample.b, sample.a, 1);
  CHECK(swapped.difference == -forward.difference);
  CHECK(swapped.variance_difference == forward.variance_difference);
  CHECK(swapped.z == -forward.z);
  CHECK(swapped.p_value == forward.p_value);
  // The other class positive, scored by p(class 0): every pair keeps its order, so everything
  // is the same (the integer sums are the same integers).
  const DeLongTest female = delong_test(sample.labels, sample.a, sample.b, 0);
  CHECK(female.auc_a == forward.auc_a);
  CHECK(female.variance_difference == forward.variance_difference);
  CHECK(female.p_value == forward.p_value);
  CHECK(female.positive_name == "female");
  // Reversed case order: integer sums do not depend on it.
  const std::vector<int> labels(sample.labels.rbegin(), sample.labels.rend());
  const std::vector<double> a(sample.a.rbegin(), sample.a.rend());
  const std::vector<double> b(sample.b.rbegin(), sample.b.rend());
  const DeLongTest reversed = delong_test(labels, a, b, 1);
  CHECK(reversed.variance_a == forward.variance_a);
  CHECK(reversed.covariance == forward.covariance);
  CHECK(reversed.p_value == forward.p_value);
  // A strictly increasing transform of the scores (p -> p^2) keeps every placement.
  std::vector<double> squared = sample.a;
  for (double& value : squared) value *= value;
  CHECK(delong_test(sample.labels, squared, sample.b, 1).p_value == forward.p_value);
}

TEST_CASE("one case of a class: the AUCs are given, the variances are undefined") {
  const DeLongTest test = delong_test({1, 0, 0, 0}, {0.9, 0.2, 0.6, 0.3}, {0.5, 0.4, 0.6, 0.1}, 1);
  CHECK(test.auc_a == 1.0);
  CHECK(test.auc_b == 2.0 / 3.0);
  CHECK(std::isnan(test.variance_a));
  CHECK(std::isnan(test.p_value));
  CHECK(test.undefined_reason.find("fewer than 2") != std::string::npos);
  const Json json = to_json(test);
  CHECK(json.at("p_value").is_null());
  CHECK(json.at("variance_difference").is_null());
  CHECK(json.at("undefined").as_string().find("fewer than 2") != std::string::npos);
  CHECK(json.at("auc_a").as_number() == 1.0);
}

TEST_CASE("bad input is refused with the function and the problem named") {
  CHECK_THROWS_WITH_AS(delong_test({1, 1}, {0.2, 0.3}, {0.1, 0.4}, 1),
                       doctest::Contains("no case of class female"), MetricsError);
  CHECK_THROWS_WITH_AS(delong_test({1, 0}, {0.2, 0.3}, {0.1}, 1), doctest::Contains("classifier b"),
                       MetricsError);
  CHECK_THROWS_WITH_AS(delong_test({1, 0}, {0.2, 1.3}, {0.1, 0.2}, 1),
                       doctest::Contains("classifier a"), MetricsError);
  CHECK_THROWS_AS(delong_test({1, 0}, {0.2, 0.3}, {0.1, 0.2}, -1), MetricsError);
}

}  // namespace engine::metrics::testing
