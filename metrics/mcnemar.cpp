#include "metrics/mcnemar.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "metrics/classes.h"
#include "metrics/error.h"

namespace engine::metrics {

namespace {

// Largest n whose coefficient sums fit 64 bits: sum_i C(62, i) = 2^62, and the running
// coefficient times (n - i) stays below 2^128 in the 128-bit product.
constexpr std::int64_t largest_integer_n = 62;

HalfBinomialTail integer_tail(std::int64_t k, std::int64_t n) {
  std::uint64_t coefficient = 1;  // C(n, i)
  std::uint64_t below = 0;        // sum of C(n, i) for i < k
  for (std::int64_t i = 0; i < k; ++i) {
    below += coefficient;
    coefficient = static_cast<std::uint64_t>(static_cast<unsigned __int128>(coefficient) *
                                             static_cast<std::uint64_t>(n - i) /
                                             static_cast<std::uint64_t>(i + 1));
  }
  const int exponent = -static_cast<int>(n);
  return {std::ldexp(static_cast<double>(below + coefficient), exponent),
          std::ldexp(static_cast<double>(coefficient), exponent),
          std::ldexp(static_cast<double>(below), exponent)};
}

HalfBinomialTail log_space_tail(std::int64_t k, std::int64_t n) {
  using Long = long double;
  const Long log_point =
      std::lgamma(static_cast<Long>(n) + 1) - std::lgamma(static_cast<Long>(k) + 1) -
      std::lgamma(static_cast<Long>(n - k) + 1) - static_cast<Long>(n) * std::log(Long{2});
  // The terms below k, relative to P(X = k). Once the ratio r is below 1 the terms shrink at
  // least geometrically, so all that remains is below term * r / (1 - r): stop when that can no
  // longer change the sum in the 64-bit mantissa.
  const Long negligible = std::numeric_limits<Long>::epsilon();
  Long term = 1;
  Long below = 0;
  for (std::int64_t i = k; i >= 1; --i) {
    const Long ratio = static_cast<Long>(i) / static_cast<Long>(n - i + 1);
    term *= ratio;
    below += term;
    if (ratio < 1 && term * ratio / (1 - ratio) < below * negligible) break;
  }
  const Long point = std::exp(log_point);
  return {static_cast<double>(point * (1 + below)), static_cast<double>(point),
          static_cast<double>(point * below)};
}

McNemarTest with_p_values(McNemarTest test) {
  const std::int64_t b = test.only_a_correct;
  const std::int64_t c = test.only_b_correct;
  if (b == c) return test;  // p = mid-p = 1, b + c = 0 included
  const HalfBinomialTail tail = half_binomial_tail(std::min(b, c), b + c);
  test.p_value = std::min(1.0, 2.0 * tail.at_most);
  test.mid_p_value = tail.at_most + tail.less_than;
  return test;
}

}  // namespace

std::int64_t McNemarTest::cases() const {
  return both_correct + only_a_correct + only_b_correct + both_wrong;
}

double McNemarTest::accuracy_difference() const {
  return Ratio{only_a_correct - only_b_correct, cases()}.value();
}

HalfBinomialTail half_binomial_tail(std::int64_t k, std::int64_t n) {
  if (n < 0 || k < 0 || k > n) {
    throw MetricsError("metrics: half_binomial_tail: k = " + std::to_string(k) +
                       ", n = " + std::to_string(n) + " is not 0 <= k <= n");
  }
  return n <= largest_integer_n ? integer_tail(k, n) : log_space_tail(k, n);
}

McNemarTest mcnemar_test(std::int64_t only_a_correct, std::int64_t only_b_correct) {
  if (only_a_correct < 0 || only_b_correct < 0) {
    throw MetricsError("metrics: mcnemar_test: discordant counts " +
                       std::to_string(only_a_correct) + " and " + std::to_string(only_b_correct) +
                       " must not be negative");
  }
  McNemarTest test;
  test.only_a_correct = only_a_correct;
  test.only_b_correct = only_b_correct;
  return with_p_values(test);
}

McNemarTest mcnemar_test(const std::vector<int>& labels, const std::vector<int>& predictions_a,
                         const std::vector<int>& predictions_b) {
  if (predictions_a.size() != labels.size() || predictions_b.size() != labels.size()) {
    throw MetricsError("metrics: mcnemar_test: " + std::to_string(labels.size()) + " labels but " +
                       std::to_string(predictions_a.size()) + " and " +
                       std::to_string(predictions_b.size()) + " predictions");
  }
  if (labels.empty()) throw MetricsError("metrics: mcnemar_test: the sample is empty");
  check_labels(labels, "mcnemar_test (labels)");
  check_labels(predictions_a, "mcnemar_test (predictions of a)");
  check_labels(predictions_b, "mcnemar_test (predictions of b)");
  McNemarTest test;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool a_right = predictions_a[i] == labels[i];
    const bool b_right = predictions_b[i] == labels[i];
    if (a_right && b_right) ++test.both_correct;
    if (a_right && !b_right) ++test.only_a_correct;
    if (!a_right && b_right) ++test.only_b_correct;
    if (!a_right && !b_right) ++test.both_wrong;
  }
  return with_p_values(test);
}

Json to_json(const McNemarTest& test) {
  Json json = Json::object();
  json.set("method",
           "McNemar (1947) exact conditional test: p = min(1, 2 P(X <= min(b, c))), "
           "X ~ Binomial(b + c, 1/2); mid-p = 2 P(X <= min(b, c)) - P(X = min(b, c)) "
           "(Fagerland et al. 2013)");
  json.set("both_correct", test.both_correct);
  json.set("only_a_correct", test.only_a_correct);
  json.set("only_b_correct", test.only_b_correct);
  json.set("both_wrong", test.both_wrong);
  json.set("accuracy_a", to_json(test.accuracy_a()));
  json.set("accuracy_b", to_json(test.accuracy_b()));
  json.set("accuracy_difference", number_or_null(test.accuracy_difference()));
  json.set("p_value", test.p_value);
  json.set("mid_p_value", test.mid_p_value);
  if (test.discordant() == 0) {
    json.set("note", "no discordant case: the test has no information (p = 1)");
  }
  return json;
}

}  // namespace engine::metrics
