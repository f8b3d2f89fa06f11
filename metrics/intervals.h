// Confidence intervals for proportions, and the one-sided upper bound of an error rate.
//
// Wilson score interval (Wilson 1927): the set of p whose score test does not reject at level
// z, i.e. the roots of (k/n - p)^2 = z^2 p (1 - p) / n:
//   centre     = (k/n + z^2/(2n)) / (1 + z^2/n)
//   half width = z / (1 + z^2/n) * sqrt(k/n (1 - k/n) / n + z^2/(4 n^2))
// It stays inside [0, 1] and keeps near-nominal coverage for small n and for k = 0 or k = n,
// where the textbook Wald interval collapses to a point. Two-sided 95%: z = 1.959963984540054
// (the 0.975 quantile of the standard normal).
//
// Error-rate upper bound (what a court asks: "at most how often is this method wrong?"): the
// exact one-sided Clopper-Pearson (1934) bound. With k errors in n cases, the 95% upper bound is
// the p_U with P(X <= k | n, p_U) = 0.05, X ~ Binomial(n, p_U): any true error rate above p_U
// would make k or fewer errors a less-than-5% event. For k = 0 this is 1 - 0.05^(1/n)
// (closed form, e.g. 2.95% for 0 errors in 100); for k = n it is 1. Otherwise p_U is found by
// bisection on the binomial CDF, which decreases in p; the CDF is summed here in log space
// (no library). Equivalent to the beta quantile Beta^-1(0.95; k + 1, n - k).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "metrics/ratio.h"
#include "util/json.h"

namespace engine::metrics {

inline constexpr double z_two_sided_95 = 1.959963984540054;

// Bounds of an interval; both NaN when undefined (e.g. a proportion of 0 cases).
struct Interval {
  double lower = 0;
  double upper = 0;
  bool defined() const { return !std::isnan(lower) && !std::isnan(upper); }
};

Interval wilson_interval(std::int64_t successes, std::int64_t trials, double z = z_two_sided_95);
inline Interval wilson_interval(const Ratio& ratio, double z = z_two_sided_95) {
  return wilson_interval(ratio.numerator, ratio.denominator, z);
}

// P(X <= k) for X ~ Binomial(n, p); 0 <= k, 0 <= n, p in [0, 1].
double binomial_cdf(std::int64_t k, std::int64_t n, double p);

// The exact one-sided upper bound described above, at the given confidence (e.g. 0.95).
double clopper_pearson_upper(std::int64_t errors, std::int64_t trials, double confidence = 0.95);

struct ErrorRateBound {
  Ratio observed;  // errors / cases
  double upper_bound = 0;
  double confidence = 0.95;
  std::string method;
};
// Throws MetricsError for trials <= 0, errors outside [0, trials] or confidence outside (0, 1).
ErrorRateBound error_rate_upper_bound(std::int64_t errors, std::int64_t trials,
                                      double confidence = 0.95);

// {"lower", "upper", "method"}; bounds null when undefined.
Json to_json(const Interval& interval, const std::string& method);
// A proportion with its two-sided 95% Wilson interval.
Json to_json_with_wilson(const Ratio& ratio);
Json to_json(const ErrorRateBound& bound);

}  // namespace engine::metrics
