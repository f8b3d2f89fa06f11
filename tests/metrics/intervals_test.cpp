// Wilson intervals, the binomial CDF and the Clopper-Pearson one-sided upper bound.
//
// Reference values were computed at 40 significant digits (mpmath) from the formulas in
// metrics/intervals.h, and where a published value exists it is quoted:
//   Wilson, z = 1.959963984540054:
//     0/10  -> [0, 0.2775327998628892]      10/10 -> [0.7224672001371108, 1]
//     5/10  -> [0.236593090512564, 0.763406909487436]   (published: 0.2366 to 0.7634)
//   By hand for 0/10: upper = (z^2/n) / (1 + z^2/n) = 0.384146 / 1.384146 = 0.27753.
// Clopper-Pearson one-sided 95% upper bounds, i.e. P(Binomial(n, p) <= k) = 0.05:
//     0/100 -> 0.029513049607039935 (= 1 - 0.05^(1/100); the familiar "2.95%")
//     1/20  -> 0.21610616420684735      2/50 -> 0.12061415542204414
//     5/100 -> 0.10225337764327451      10/900 -> 0.01877401668633578
// Each bound is also checked a second way: the binomial CDF at the bound, summed directly
// term by term in this file, must be 0.05.
//
// Tolerances. Wilson: a dozen double operations, relative error ~1e-15; we allow 1e-13.
// Clopper-Pearson: the CDF is summed with about k roundings of 1e-16 each and its slope at the
// bound is of order 1 to 10, so the bound is good to ~1e-14; we allow 1e-12.
#include "metrics/intervals.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <tuple>

#include "metrics/error.h"

namespace engine::metrics::testing {

namespace {

// sum_{i <= k} C(n, i) p^i (1 - p)^(n - i) with C(n, i) built by the multiplicative formula:
// independent of the log-space recurrence in intervals.cpp. Fine for n up to a few hundred.
double direct_binomial_cdf(int k, int n, double p) {
  double sum = 0;
  for (int i = 0; i <= k; ++i) {
    double coefficient = 1;
    for (int j = 1; j <= i; ++j) coefficient = coefficient * (n - i + j) / j;
    sum += coefficient * std::pow(p, i) * std::pow(1 - p, n - i);
  }
  return sum;
}

}  // namespace

TEST_CASE("Wilson intervals for 0/10, 5/10 and 10/10") {
  const Interval none = wilson_interval(0, 10);
  CHECK(none.lower == 0.0);
  CHECK(none.upper == doctest::Approx(0.2775327998628892).epsilon(1e-13));
  const Interval half = wilson_interval(5, 10);
  CHECK(half.lower == doctest::Approx(0.236593090512564).epsilon(1e-13));
  CHECK(half.upper == doctest::Approx(0.763406909487436).epsilon(1e-13));
  const Interval all = wilson_interval(10, 10);
  CHECK(all.lower == doctest::Approx(0.7224672001371108).epsilon(1e-13));
  CHECK(all.upper == 1.0);
  // Symmetry: k/n and (n-k)/n mirror each other.
  const Interval three = wilson_interval(3, 10);
  const Interval seven = wilson_interval(7, 10);
  CHECK(three.lower == doctest::Approx(1.0 - seven.upper).epsilon(1e-13));
  CHECK(wilson_interval(Ratio{5, 10}).lower == half.lower);
}

TEST_CASE("Wilson interval of no cases is undefined; bad counts are errors") {
  const Interval empty = wilson_interval(0, 0);
  CHECK_FALSE(empty.defined());
  CHECK(std::isnan(empty.lower));
  CHECK_THROWS_AS(wilson_interval(11, 10), MetricsError);
  CHECK_THROWS_AS(wilson_interval(-1, 10), MetricsError);
}

TEST_CASE("binomial CDF against direct summation") {
  for (const auto& [k, n, p] :
       {std::tuple{0, 10, 0.3}, std::tuple{3, 10, 0.3}, std::tuple{1, 20, 0.2161},
        std::tuple{7, 50, 0.12}, std::tuple{49, 50, 0.9}}) {
    CAPTURE(k);
    CAPTURE(n);
    CHECK(binomial_cdf(k, n, p) == doctest::Approx(direct_binomial_cdf(k, n, p)).epsilon(1e-13));
  }
  CHECK(binomial_cdf(10, 10, 0.7) == 1.0);
  CHECK(binomial_cdf(3, 10, 0.0) == 1.0);
  CHECK(binomial_cdf(3, 10, 1.0) == 0.0);
  // Large n, where (1 - p)^n underflows: by symmetry P(X <= 5000) for n = 10000 at p = 0.5 is
  // 1/2 + P(X = 5000)/2, and P(X = 5000) = C(10000, 5000) / 2^10000 = 0.0079786461393821538
  // (mpmath). The log-space recurrence runs 5000 steps on logs of size ~7000; allow 1e-9.
  CHECK(binomial_cdf(5000, 10000, 0.5) ==
        doctest::Approx(0.5 + 0.5 * 0.0079786461393821538).epsilon(1e-9));
}

TEST_CASE("Clopper-Pearson upper bounds match the reference and give CDF 0.05") {
  struct Case {
    int errors;
    int trials;
    double bound;
  };
  for (const Case& c : {Case{0, 100, 0.029513049607039935}, Case{1, 20, 0.21610616420684735},
                        Case{2, 50, 0.12061415542204414}, Case{5, 100, 0.10225337764327451},
                        Case{10, 900, 0.01877401668633578}}) {
    CAPTURE(c.errors);
    CAPTURE(c.trials);
    const double bound = clopper_pearson_upper(c.errors, c.trials, 0.95);
    CHECK(bound == doctest::Approx(c.bound).epsilon(1e-12));
    if (c.trials <= 100) {
      CHECK(direct_binomial_cdf(c.errors, c.trials, bound) == doctest::Approx(0.05).epsilon(1e-10));
    }
    CHECK(binomial_cdf(c.errors, c.trials, bound) == doctest::Approx(0.05).epsilon(1e-10));
  }
  // 0 errors: the closed form 1 - 0.05^(1/n); for 100 cases 2.95%, close to the "rule of
  // three" 3/n = 3%.
  CHECK(clopper_pearson_upper(0, 100) == doctest::Approx(1 - std::pow(0.05, 0.01)).epsilon(1e-15));
  CHECK(clopper_pearson_upper(0, 100) < 0.03);
  CHECK(clopper_pearson_upper(20, 20) == 1.0);
}

TEST_CASE("the error-rate bound grows with errors and shrinks with cases") {
  CHECK(clopper_pearson_upper(1, 100) > clopper_pearson_upper(0, 100));
  CHECK(clopper_pearson_upper(1, 200) < clopper_pearson_upper(1, 100));
  // A one-sided 95% bound lies below the two-sided 97.5% one and above the observed rate.
  CHECK(clopper_pearson_upper(5, 100, 0.95) < clopper_pearson_upper(5, 100, 0.975));
  CHECK(clopper_pearson_upper(5, 100) > 0.05);
}

TEST_CASE("error_rate_upper_bound records counts, confidence and method") {
  const ErrorRateBound bound = error_rate_upper_bound(1, 20);
  CHECK(bound.observed.numerator == 1);
  CHECK(bound.observed.denominator == 20);
  CHECK(bound.upper_bound == doctest::Approx(0.21610616420684735).epsilon(1e-12));
  CHECK(bound.method.find("Clopper-Pearson") != std::string::npos);
  const Json json = to_json(bound);
  CHECK(json.at("errors").as_integer() == 1);
  CHECK(json.at("cases").as_integer() == 20);
  CHECK(json.at("confidence").as_number() == 0.95);
  CHECK_THROWS_AS(error_rate_upper_bound(0, 0), MetricsError);
  CHECK_THROWS_AS(error_rate_upper_bound(3, 2), MetricsError);
  CHECK_THROWS_AS(error_rate_upper_bound(1, 20, 1.0), MetricsError);
}

}  // namespace engine::metrics::testing
