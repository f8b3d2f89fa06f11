// The ROC curve and the area under it, for a positive class named by the caller.
//
// Score: the probability of the positive class. Cases are ordered by the probability of class 1
// itself (descending when class 1 is positive, ascending when class 0 is), never by 1 - p,
// which could merge two distinct probabilities near 0 into one rounded value.
//
// Curve: one point per distinct score, from the highest down. The point at threshold t counts
// the cases with score >= t as predicted positive; cases whose scores are tied enter together,
// so a tie makes one diagonal step, not a staircase whose shape would depend on input order.
// The curve starts at (0, 0) (threshold +infinity) and ends at (1, 1).
//
// AUC by the trapezoid rule over these points equals the Mann-Whitney U statistic divided by
// (positives x negatives), with a tied positive-negative pair counting 1/2 (Bamber 1975; Hanley
// & McNeil 1982). Both are computed here in integer counts (twice the area, twice U), so the
// two agree exactly, not just to rounding; the tests check that on a case with ties.
//
// A ROC curve needs both classes: an empty sample, or one with no positives or no negatives,
// throws MetricsError saying which class is missing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/classes.h"
#include "util/json.h"

namespace engine::metrics {

struct RocPoint {
  // Probability of the positive class at or above which a case is called positive; +infinity
  // for the first point. Shown as 1 - p(class 1) when class 0 is positive (for display only;
  // the ordering uses p(class 1) exactly).
  double threshold = 0;
  std::int64_t true_positives = 0;
  std::int64_t false_positives = 0;
  double true_positive_rate = 0;   // true_positives / positives (sensitivity)
  double false_positive_rate = 0;  // false_positives / negatives (1 - specificity)
};

struct RocCurve {
  int positive_class = 0;
  std::string positive_name;
  std::int64_t positives = 0;
  std::int64_t negatives = 0;
  std::vector<RocPoint> points;
};

RocCurve roc_curve(const std::vector<int>& labels, const std::vector<double>& probabilities_class1,
                   int positive_class, const ClassNames& names = {});

// Trapezoid rule over the curve's points.
double area_under_curve(const RocCurve& curve);

// The same number from ranks: U = (sum of the positives' mid-ranks) - P(P + 1)/2, ranks
// ascending in the positive-class score, ties given their mean rank; AUC = U / (P N).
double mann_whitney_auc(const std::vector<int>& labels,
                        const std::vector<double>& probabilities_class1, int positive_class,
                        const ClassNames& names = {});

Json to_json(const RocCurve& curve);

}  // namespace engine::metrics
