// The confusion matrix and every ratio read from it, on the ten hand cases of hand_cases.h.
//
// Male positive: TP = 4, FP = 1, TN = 3, FN = 2, n = 10.
//   accuracy          (4 + 3) / 10          = 7/10
//   precision (PPV)   4 / (4 + 1)           = 4/5
//   recall            4 / (4 + 2)           = 4/6 = 2/3
//   specificity       3 / (3 + 1)           = 3/4
//   NPV               3 / (3 + 2)           = 3/5
//   F1                2*4 / (2*4 + 1 + 2)   = 8/11
//                     (harmonic mean: 2 * 4/5 * 2/3 / (4/5 + 2/3) = (16/15) / (22/15) = 8/11)
//   balanced accuracy (2/3 + 3/4) / 2       = 17/24
// Female positive: TP = 3, FP = 2, TN = 4, FN = 1:
//   precision 3/5, recall 3/4, specificity 4/6, NPV 4/5, F1 6 / (6 + 2 + 1) = 6/9 = 2/3
// Macro: precision (4/5 + 3/5)/2 = 7/10, recall (2/3 + 3/4)/2 = 17/24, F1 (8/11 + 2/3)/2 = 23/33.
//
// Ratios are compared by their integer counts (exact); doubles computed from them by one
// division are compared exactly too, and the averages (two divisions, one sum, one halving)
// within 1e-15.
#include "metrics/confusion.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "metrics/error.h"
#include "tests/metrics/hand_cases.h"

namespace engine::metrics::testing {

namespace {

void check_ratio(const Ratio& ratio, std::int64_t numerator, std::int64_t denominator) {
  CHECK(ratio.numerator == numerator);
  CHECK(ratio.denominator == denominator);
  CHECK(ratio.defined());
  CHECK(ratio.value() == static_cast<double>(numerator) / static_cast<double>(denominator));
}

ConfusionMatrix ten_case_matrix() {
  const TenCases cases;
  return confusion_matrix_at_threshold(cases.labels, cases.probabilities, 0.5);
}

}  // namespace

TEST_CASE("confusion matrix counts of the ten hand cases") {
  const ConfusionMatrix matrix = ten_case_matrix();
  CHECK(matrix.count(0, 0) == 3);  // female called female
  CHECK(matrix.count(0, 1) == 1);  // female called male
  CHECK(matrix.count(1, 0) == 2);  // male called female
  CHECK(matrix.count(1, 1) == 4);  // male called male
  CHECK(matrix.total() == 10);
  CHECK(matrix.correct() == 7);
  CHECK(matrix.true_count(1) == 6);
  CHECK(matrix.predicted_count(1) == 5);
  CHECK(matrix.names.of(0) == "female");
  CHECK(matrix.names.of(1) == "male");
  CHECK_THROWS_AS(matrix.count(2, 0), MetricsError);
}

TEST_CASE("figures with male as the positive class") {
  const PositiveClassFigures figures = positive_class_figures(ten_case_matrix(), 1);
  CHECK(figures.positive_name == "male");
  CHECK(figures.negative_name == "female");
  CHECK(figures.true_positives == 4);
  CHECK(figures.false_positives == 1);
  CHECK(figures.true_negatives == 3);
  CHECK(figures.false_negatives == 2);
  check_ratio(figures.accuracy, 7, 10);
  check_ratio(figures.precision, 4, 5);
  check_ratio(figures.recall, 4, 6);
  check_ratio(figures.specificity, 3, 4);
  check_ratio(figures.negative_predictive_value, 3, 5);
  check_ratio(figures.f1, 8, 11);
  CHECK(figures.balanced_accuracy == doctest::Approx(17.0 / 24.0).epsilon(1e-15));
  // F1 in counts equals the harmonic mean of precision and recall.
  const double p = figures.precision.value();
  const double r = figures.recall.value();
  CHECK(figures.f1.value() == doctest::Approx(2 * p * r / (p + r)).epsilon(1e-15));
}

TEST_CASE("figures with female as the positive class swap the roles") {
  const PositiveClassFigures figures = positive_class_figures(ten_case_matrix(), 0);
  CHECK(figures.positive_name == "female");
  CHECK(figures.true_positives == 3);
  CHECK(figures.false_positives == 2);
  CHECK(figures.true_negatives == 4);
  CHECK(figures.false_negatives == 1);
  check_ratio(figures.precision, 3, 5);
  check_ratio(figures.recall, 3, 4);
  check_ratio(figures.specificity, 4, 6);
  check_ratio(figures.negative_predictive_value, 4, 5);
  check_ratio(figures.f1, 6, 9);
  CHECK_THROWS_AS(positive_class_figures(ten_case_matrix(), 2), MetricsError);
}

TEST_CASE("per-class figures and macro averages") {
  const ConfusionMatrix matrix = ten_case_matrix();
  const ClassFigures female = class_figures(matrix, 0);
  const ClassFigures male = class_figures(matrix, 1);
  CHECK(female.name == "female");
  CHECK(female.support == 4);
  CHECK(male.support == 6);
  check_ratio(male.precision, 4, 5);
  check_ratio(female.f1, 6, 9);
  const MacroAverages macro = macro_averages(matrix);
  CHECK(macro.precision == doctest::Approx(7.0 / 10.0).epsilon(1e-15));
  CHECK(macro.recall == doctest::Approx(17.0 / 24.0).epsilon(1e-15));
  CHECK(macro.f1 == doctest::Approx(23.0 / 33.0).epsilon(1e-15));
}

TEST_CASE("the threshold rule: p >= threshold is class 1") {
  CHECK(predicted_class(0.5) == 1);
  CHECK(predicted_class(std::nextafter(0.5, 0.0)) == 0);
  CHECK(predicted_class(0.7, 0.8) == 0);
  // At threshold 0.65 the case at 0.6 (male) becomes a false negative: TP 3, FN 3, and the
  // female at 0.55 is no longer a false positive.
  const TenCases cases;
  const ConfusionMatrix matrix =
      confusion_matrix_at_threshold(cases.labels, cases.probabilities, 0.65);
  CHECK(matrix.count(1, 1) == 3);
  CHECK(matrix.count(1, 0) == 3);
  CHECK(matrix.count(0, 1) == 0);
  CHECK(matrix.count(0, 0) == 4);
}

TEST_CASE("a denominator of 0 gives an undefined figure, not a number") {
  SUBCASE("empty sample") {
    const ConfusionMatrix matrix = confusion_matrix({}, {});
    CHECK(matrix.total() == 0);
    CHECK_FALSE(accuracy(matrix).defined());
    CHECK(std::isnan(accuracy(matrix).value()));
    CHECK(std::isnan(balanced_accuracy(matrix)));
    CHECK_FALSE(f1_of(matrix, 1).defined());
  }
  SUBCASE("only male cases, all called male") {
    const ConfusionMatrix matrix = confusion_matrix({1, 1, 1}, {1, 1, 1});
    check_ratio(accuracy(matrix), 3, 3);
    CHECK_FALSE(recall_of(matrix, 0).defined());     // no female cases
    CHECK_FALSE(precision_of(matrix, 0).defined());  // nothing called female
    CHECK_FALSE(f1_of(matrix, 0).defined());         // TP + FP + FN = 0 for female
    CHECK(std::isnan(balanced_accuracy(matrix)));
    const PositiveClassFigures figures = positive_class_figures(matrix, 1);
    CHECK_FALSE(figures.specificity.defined());
    CHECK(std::isnan(macro_averages(matrix).f1));
  }
  SUBCASE("F1 is 0, not undefined, when nothing is called positive but positives exist") {
    const ConfusionMatrix matrix = confusion_matrix({1, 1, 0}, {0, 0, 0});
    CHECK_FALSE(precision_of(matrix, 1).defined());
    check_ratio(recall_of(matrix, 1), 0, 2);
    check_ratio(f1_of(matrix, 1), 0, 2);
  }
}

TEST_CASE("invalid input is rejected with a message naming the element") {
  CHECK_THROWS_WITH_AS(confusion_matrix({0, 2}, {0, 1}), doctest::Contains("labels[1] is 2"),
                       MetricsError);
  CHECK_THROWS_AS(confusion_matrix({0, 1}, {0}), MetricsError);
  CHECK_THROWS_WITH_AS(confusion_matrix_at_threshold({0, 1}, {0.2, 1.5}),
                       doctest::Contains("probabilities[1] is 1.5"), MetricsError);
  CHECK_THROWS_AS(confusion_matrix_at_threshold({0}, {std::numeric_limits<double>::quiet_NaN()}),
                  MetricsError);
  CHECK_THROWS_AS(confusion_matrix_at_threshold({0}, {0.5}, 1.5), MetricsError);
}

TEST_CASE("JSON names the classes and shows undefined ratios as null") {
  const Json json = to_json(positive_class_figures(ten_case_matrix(), 1));
  CHECK(json.at("positive_class").as_string() == "male");
  CHECK(json.at("f1").at("numerator").as_integer() == 8);
  CHECK(json.at("f1").at("denominator").as_integer() == 11);
  const Json undefined = to_json(Ratio{0, 0});
  CHECK(undefined.at("value").is_null());
  CHECK(undefined.at("undefined").as_string() == "denominator is 0");
  ConfusionMatrix matrix = ten_case_matrix();
  matrix.names = {"F", "M"};
  const Json counts = to_json(matrix).at("counts");
  CHECK(counts.as_array()[1].at("true").as_string() == "M");
  CHECK(counts.as_array()[1].at("predicted F").as_integer() == 2);
}

}  // namespace engine::metrics::testing
