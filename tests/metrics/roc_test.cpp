// ROC curve and AUC on a small set with ties, computed by hand three ways.
//
// Male (positive) scores:   0.9, 0.7, 0.7, 0.4         (P = 4)
// Female (negative) scores: 0.7, 0.5, 0.4, 0.2, 0.1    (N = 5)
//
// Curve, one point per distinct score (cases with score >= threshold called male):
//   threshold  +inf  0.9  0.7  0.5  0.4  0.2  0.1
//   TP            0    1    3    3    4    4    4
//   FP            0    0    1    2    3    4    5
// The tie at 0.7 (two males, one female) is one diagonal step from (0, 1/4) to (1/5, 3/4).
//
// Area by trapezoids over FPR (steps of 1/5):
//   0.2 * (0.25 + 0.75)/2 + 0.2 * 0.75 + 0.2 * (0.75 + 1)/2 + 0.2 * 1 + 0.2 * 1
//   = 0.1 + 0.15 + 0.175 + 0.2 + 0.2 = 0.825
// As pairs (male, female), a win 1, a tie 1/2, out of 4 * 5 = 20:
//   0.9 beats all 5 -> 5;  each 0.7 beats 4 and ties 1 -> 4.5 (twice: 9);
//   0.4 beats 0.2, 0.1 and ties 0.4 -> 2.5.  U = 16.5, AUC = 16.5 / 20 = 0.825
// As ranks (ascending, ties get the mean rank): 0.1:1 0.2:2 0.4:3.5,3.5 0.5:5 0.7:7,7,7 0.9:9;
//   male rank sum 9 + 7 + 7 + 3.5 = 26.5; U = 26.5 - 4*5/2 = 16.5.
//
// With female positive the score is p(female) = 1 - p(male): the class and the score direction
// both swap, every pair keeps its order, and the AUC is again 0.825. (Swapping only the labels,
// with the same score, gives 1 - 0.825 = 0.175.)
//
// The counts are integers and 0.825 = 33/40 comes from one division of exact integers, so the
// AUC is compared to 33.0 / 40.0 exactly.
#include "metrics/roc.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metrics/error.h"

namespace engine::metrics::testing {

namespace {

const std::vector<double> tied_probabilities = {0.4, 0.7, 0.1, 0.9, 0.5, 0.7, 0.2, 0.7, 0.4};
const std::vector<int> tied_labels = {1, 0, 0, 1, 0, 1, 0, 1, 0};

// The definition itself, for any set: all positive-negative pairs, a tie counting 1/2.
double pairwise_auc(const std::vector<int>& labels, const std::vector<double>& probabilities) {
  double wins = 0;
  double pairs = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t j = 0; j < labels.size(); ++j) {
      if (labels[i] != 1 || labels[j] != 0) continue;
      pairs += 1;
      if (probabilities[i] > probabilities[j]) wins += 1.0;
      if (probabilities[i] == probabilities[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

void check_points(const RocCurve& curve, const std::vector<std::int64_t>& true_positives,
                  const std::vector<std::int64_t>& false_positives) {
  REQUIRE(curve.points.size() == true_positives.size());
  for (std::size_t i = 0; i < true_positives.size(); ++i) {
    CAPTURE(i);
    CHECK(curve.points[i].true_positives == true_positives[i]);
    CHECK(curve.points[i].false_positives == false_positives[i]);
    CHECK(curve.points[i].true_positive_rate ==
          static_cast<double>(true_positives[i]) / static_cast<double>(curve.positives));
    CHECK(curve.points[i].false_positive_rate ==
          static_cast<double>(false_positives[i]) / static_cast<double>(curve.negatives));
  }
}

}  // namespace

TEST_CASE("ROC points of the tied set, male positive") {
  const RocCurve curve = roc_curve(tied_labels, tied_probabilities, 1);
  CHECK(curve.positive_name == "male");
  CHECK(curve.positives == 4);
  CHECK(curve.negatives == 5);
  check_points(curve, {0, 1, 3, 3, 4, 4, 4}, {0, 0, 1, 2, 3, 4, 5});
  const std::vector<double> thresholds = {INFINITY, 0.9, 0.7, 0.5, 0.4, 0.2, 0.1};
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    CHECK(curve.points[i].threshold == thresholds[i]);
  }
}

TEST_CASE("AUC with ties: trapezoid = Mann-Whitney = pairs = 0.825") {
  const RocCurve curve = roc_curve(tied_labels, tied_probabilities, 1);
  CHECK(area_under_curve(curve) == 33.0 / 40.0);
  CHECK(mann_whitney_auc(tied_labels, tied_probabilities, 1) == 33.0 / 40.0);
  CHECK(pairwise_auc(tied_labels, tied_probabilities) == 33.0 / 40.0);
}

TEST_CASE("female positive: thresholds are p(female), the AUC is unchanged") {
  // p(male) ascending: 0.1 F, 0.2 F, 0.4 M+F, 0.5 F, 0.7 M+M+F, 0.9 M
  //   threshold p(female)  +inf  0.9  0.8  0.6  0.5  0.3  0.1
  //   TP (females)            0    1    2    3    4    5    5
  //   FP (males)              0    0    0    1    1    3    4
  // Twice the area in counts: 1 * (3 + 2) + 2 * (5 + 4) + 1 * (5 + 5) = 33, over 2 * 5 * 4.
  const RocCurve curve = roc_curve(tied_labels, tied_probabilities, 0);
  CHECK(curve.positive_name == "female");
  CHECK(curve.positives == 5);
  check_points(curve, {0, 1, 2, 3, 4, 5, 5}, {0, 0, 0, 1, 1, 3, 4});
  CHECK(curve.points[1].threshold == 1.0 - 0.1);
  CHECK(curve.points[6].threshold == 1.0 - 0.9);
  CHECK(area_under_curve(curve) == 33.0 / 40.0);
  CHECK(mann_whitney_auc(tied_labels, tied_probabilities, 0) == 33.0 / 40.0);
  std::vector<int> swapped = tied_labels;
  for (int& label : swapped) label = 1 - label;
  CHECK(mann_whitney_auc(swapped, tied_probabilities, 1) == 7.0 / 40.0);
}

TEST_CASE("the curve does not depend on the order of the cases") {
  // Reversed input: the stable sort keeps a different order within ties, which must not change
  // any point.
  const std::vector<double> probabilities(tied_probabilities.rbegin(), tied_probabilities.rend());
  const std::vector<int> labels(tied_labels.rbegin(), tied_labels.rend());
  check_points(roc_curve(labels, probabilities, 1), {0, 1, 3, 3, 4, 4, 4}, {0, 0, 1, 2, 3, 4, 5});
}

TEST_CASE("AUC agrees with the pair count on a larger set with many ties") {
  // Scores on a grid of 11 values so that ties are frequent; labels from a fixed rule.
  std::vector<double> probabilities;
  std::vector<int> labels;
  for (int i = 0; i < 300; ++i) {
    probabilities.push_back(static_cast<double>((i * 37) % 11) / 10.0);
    labels.push_back((i * 53 + i / 7) % 3 == 0 ? 1 : 0);
  }
  const double trapezoid = area_under_curve(roc_curve(labels, probabilities, 1));
  // The pair count sums at most 22,500 halves and wholes in double: exact (multiples of 1/2
  // below 2^52), so the three agree exactly.
  CHECK(trapezoid == pairwise_auc(labels, probabilities));
  CHECK(mann_whitney_auc(labels, probabilities, 1) == trapezoid);
  CHECK(trapezoid != 0.5);  // the rule is not independent of the scores
}

TEST_CASE("perfect and reversed separation") {
  CHECK(mann_whitney_auc({0, 0, 1, 1}, {0.1, 0.2, 0.8, 0.9}, 1) == 1.0);
  CHECK(mann_whitney_auc({1, 1, 0, 0}, {0.1, 0.2, 0.8, 0.9}, 1) == 0.0);
  CHECK(mann_whitney_auc({1, 1, 0, 0}, {0.5, 0.5, 0.5, 0.5}, 1) == 0.5);
}

TEST_CASE("ROC needs both classes") {
  CHECK_THROWS_WITH_AS(roc_curve({1, 1}, {0.2, 0.9}, 1),
                       doctest::Contains("no case of class female"), MetricsError);
  CHECK_THROWS_AS(roc_curve({}, {}, 1), MetricsError);
  CHECK_THROWS_AS(mann_whitney_auc({0, 0}, {0.2, 0.9}, 1), MetricsError);
  CHECK_THROWS_AS(roc_curve({0, 1}, {0.2, 0.9}, 3), MetricsError);
}

TEST_CASE("ROC JSON holds the points and the AUC") {
  const Json json = to_json(roc_curve(tied_labels, tied_probabilities, 1));
  CHECK(json.at("positive_class").as_string() == "male");
  CHECK(json.at("points").as_array().size() == 7);
  CHECK(json.at("points").as_array()[0].at("threshold").is_null());
  CHECK(json.at("auc").as_number() == 33.0 / 40.0);
}

}  // namespace engine::metrics::testing
