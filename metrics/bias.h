// Sex bias: does the method work equally well for both sexes?
//
// Defined as   recall(class 1) - recall(class 0)
//            = (accuracy on the true class-1 cases) - (accuracy on the true class-0 cases),
// with the default names "recall(male) - recall(female)". Positive: the method is more often
// right for class 1 (male) cases; negative: for class 0 (female) cases. It is independent of
// which class is called positive elsewhere.
//
// Interval: Newcombe (1998) "method 10", the hybrid score interval for a difference of two
// independent proportions p1 - p0 built from the two Wilson intervals (l1, u1) and (l0, u0):
//   lower = (p1 - p0) - sqrt((p1 - l1)^2 + (u0 - p0)^2)
//   upper = (p1 - p0) + sqrt((u1 - p1)^2 + (p0 - l0)^2)
// The two classes' cases are distinct people, so the proportions are independent.
// Undefined (NaN) when either class has no cases.
#pragma once

#include <cstdint>
#include <string>

#include "metrics/confusion.h"
#include "metrics/intervals.h"
#include "util/json.h"

namespace engine::metrics {

// Newcombe's interval for successes_a/trials_a - successes_b/trials_b; NaN bounds when either
// trial count is 0.
Interval newcombe_difference_interval(std::int64_t successes_a, std::int64_t trials_a,
                                      std::int64_t successes_b, std::int64_t trials_b,
                                      double z = z_two_sided_95);

struct SexBias {
  std::string definition;  // e.g. "recall(male) - recall(female)"
  Ratio recall_class1;
  Ratio recall_class0;
  double difference = 0;  // recall_class1 - recall_class0; NaN when either is undefined
  Interval interval;      // Newcombe method 10, two-sided 95%
};

SexBias sex_bias(const ConfusionMatrix& matrix);

Json to_json(const SexBias& bias, const ClassNames& names);

}  // namespace engine::metrics
