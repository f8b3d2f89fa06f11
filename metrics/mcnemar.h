// McNemar's test: do two classifiers, run on the same cases, differ in accuracy?
//
// Only the discordant cases carry information (McNemar 1947): with
//   b = cases that A gets right and B gets wrong,
//   c = cases that A gets wrong and B gets right,
// under the null hypothesis of equal accuracy each discordant case is equally likely to fall
// either way, so given n = b + c, b ~ Binomial(n, 1/2). The accuracy difference is
// accuracy(A) - accuracy(B) = (b - c) / cases.
//
// Exact two-sided p-value (the conditional binomial test; statsmodels' mcnemar(exact=True)):
//   p = min(1, 2 P(X <= min(b, c))),  X ~ Binomial(b + c, 1/2).
// It is conservative: its actual size is below the nominal level, markedly so for small b + c.
// The mid-p value (Lancaster 1961),
//   mid-p = 2 P(X <= min(b, c)) - P(X = min(b, c)) = P(X < min(b, c)) + P(X <= min(b, c)),
// is reported beside it because Fagerland, Lydersen & Laake (2013, BMC Medical Research
// Methodology 13:91) found its size close to nominal and rarely above it for all sample sizes
// they studied, while the exact test wasted power; the exact p-value stays the primary one
// (what the issue and most readers expect), the mid-p is the less conservative second reading.
// b = c gives p = mid-p = 1; b + c = 0 (no discordant case) gives p = mid-p = 1: the test has
// no information, and the JSON says so.
//
// Arithmetic: for n <= 62 the tail is a sum of binomial coefficients in 64-bit integers,
// divided by 2^n: exact, then rounded once. For larger n it is summed in log space in long
// double (x87, 64-bit mantissa): log P(X = k) from lgammal, then the terms below k by the ratio
// P(X = i - 1) / P(X = i) = i / (n - i + 1) until they no longer change the sum. The tests
// compare both paths with exact rational sums (tests/metrics/make_paired_fixture.py).
#pragma once

#include <cstdint>
#include <vector>

#include "metrics/ratio.h"
#include "util/json.h"

namespace engine::metrics {

struct McNemarTest {
  std::int64_t both_correct = 0;
  std::int64_t only_a_correct = 0;  // b
  std::int64_t only_b_correct = 0;  // c
  std::int64_t both_wrong = 0;
  double p_value = 1.0;      // exact, two-sided
  double mid_p_value = 1.0;  // mid-p, two-sided

  std::int64_t cases() const;
  std::int64_t discordant() const { return only_a_correct + only_b_correct; }
  Ratio accuracy_a() const { return {both_correct + only_a_correct, cases()}; }
  Ratio accuracy_b() const { return {both_correct + only_b_correct, cases()}; }
  // (b - c) / cases; NaN for an empty table.
  double accuracy_difference() const;
};

// From the discordant counts alone (the concordant counts, which do not enter the test, are 0).
// Throws MetricsError for a negative count.
McNemarTest mcnemar_test(std::int64_t only_a_correct, std::int64_t only_b_correct);

// From the true classes and both classifiers' predicted classes, all 0 or 1 and the same size
// (an empty sample is refused).
McNemarTest mcnemar_test(const std::vector<int>& labels, const std::vector<int>& predictions_a,
                         const std::vector<int>& predictions_b);

// P(X <= k) and P(X = k) for X ~ Binomial(n, 1/2); 0 <= k <= n.
struct HalfBinomialTail {
  double at_most = 0;    // P(X <= k)
  double exactly = 0;    // P(X = k)
  double less_than = 0;  // P(X < k), summed on its own (not at_most - exactly, which cancels)
};
HalfBinomialTail half_binomial_tail(std::int64_t k, std::int64_t n);

Json to_json(const McNemarTest& test);

}  // namespace engine::metrics
