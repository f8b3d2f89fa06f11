#include "metrics/intervals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "metrics/error.h"

namespace engine::metrics {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

void check_counts(std::int64_t successes, std::int64_t trials, const char* where) {
  if (trials < 0 || successes < 0 || successes > trials) {
    throw MetricsError(std::string("metrics: ") + where + ": " + std::to_string(successes) +
                       " of " + std::to_string(trials) + " is not a valid count");
  }
}

}  // namespace

Interval wilson_interval(std::int64_t successes, std::int64_t trials, double z) {
  check_counts(successes, trials, "wilson_interval");
  if (!(z > 0.0)) throw MetricsError("metrics: wilson_interval: z must be positive");
  if (trials == 0) return {not_a_number, not_a_number};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denominator;
  const double half_width = z / denominator * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  Interval interval{centre - half_width, centre + half_width};
  // At k = 0 the lower root is exactly 0 and at k = n the upper root is exactly 1; set them so
  // rounding cannot print 1e-17 or 0.99999999999999989.
  if (successes == 0) interval.lower = 0.0;
  if (successes == trials) interval.upper = 1.0;
  return interval;
}

double binomial_cdf(std::int64_t k, std::int64_t n, double p) {
  check_counts(k, n, "binomial_cdf");
  if (!(p >= 0.0 && p <= 1.0)) throw MetricsError("metrics: binomial_cdf: p is not in [0, 1]");
  if (k == n || p == 0.0) return 1.0;
  if (p == 1.0) return 0.0;
  // log pmf(0) = n log(1 - p); pmf(i + 1) / pmf(i) = (n - i) / (i + 1) * p / (1 - p).
  // Terms too small for a double (below ~1e-308) are dropped; they cannot matter next to the
  // levels (0.05 and the like) this is solved for.
  const double log_odds = std::log(p) - std::log1p(-p);
  double log_term = static_cast<double>(n) * std::log1p(-p);
  double sum = std::exp(log_term);
  for (std::int64_t i = 0; i < k; ++i) {
    log_term +=
        std::log(static_cast<double>(n - i)) - std::log(static_cast<double>(i + 1)) + log_odds;
    sum += std::exp(log_term);
  }
  return std::min(sum, 1.0);
}

double clopper_pearson_upper(std::int64_t errors, std::int64_t trials, double confidence) {
  check_counts(errors, trials, "clopper_pearson_upper");
  if (trials == 0) throw MetricsError("metrics: clopper_pearson_upper: no cases");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw MetricsError("metrics: clopper_pearson_upper: confidence must be in (0, 1)");
  }
  const double alpha = 1.0 - confidence;
  if (errors == trials) return 1.0;
  if (errors == 0) return 1.0 - std::pow(alpha, 1.0 / static_cast<double>(trials));
  // Invariant: cdf(low) > alpha >= cdf(high); it holds for [0, 1] since cdf(0) = 1 and
  // cdf(1) = 0 when errors < trials. Halve until the bracket is two adjacent doubles (about 60
  // halvings for a bound near 0.01; never more than ~1100). Return `high`, the side whose CDF is
  // at most alpha, so any residual error is on the conservative (larger) side.
  double low = 0.0;
  double high = 1.0;
  for (;;) {
    const double middle = low + (high - low) / 2.0;
    if (middle <= low || middle >= high) break;
    if (binomial_cdf(errors, trials, middle) > alpha) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return high;
}

ErrorRateBound error_rate_upper_bound(std::int64_t errors, std::int64_t trials, double confidence) {
  check_counts(errors, trials, "error_rate_upper_bound");
  if (trials == 0) throw MetricsError("metrics: error_rate_upper_bound: no cases");
  ErrorRateBound bound;
  bound.observed = {errors, trials};
  bound.upper_bound = clopper_pearson_upper(errors, trials, confidence);
  bound.confidence = confidence;
  bound.method =
      "Clopper-Pearson (1934) exact one-sided upper bound: the error rate p with "
      "P(Binomial(n, p) <= errors) = 1 - confidence";
  return bound;
}

Json to_json(const Interval& interval, const std::string& method) {
  Json json = Json::object();
  json.set("lower", number_or_null(interval.lower));
  json.set("upper", number_or_null(interval.upper));
  json.set("method", method);
  return json;
}

Json to_json_with_wilson(const Ratio& ratio) {
  Json json = to_json(ratio);
  json.set("interval_95", to_json(wilson_interval(ratio), "Wilson (1927) score, two-sided 95%"));
  return json;
}

Json to_json(const ErrorRateBound& bound) {
  Json json = Json::object();
  json.set("errors", bound.observed.numerator);
  json.set("cases", bound.observed.denominator);
  json.set("observed_error_rate", number_or_null(bound.observed.value()));
  json.set("confidence", bound.confidence);
  json.set("upper_bound", bound.upper_bound);
  json.set("method", bound.method);
  return json;
}

}  // namespace engine::metrics
