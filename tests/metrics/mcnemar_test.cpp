// McNemar's exact test and its mid-p: the table from predictions, the degenerate tables, both
// arithmetic paths of the binomial tail, and agreement with exact rational sums and statsmodels
// (tests/fixtures/paired_statistics.json).
#include "metrics/mcnemar.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "metrics/classes.h"
#include "metrics/error.h"
#include "tests/metrics/paired_fixture.h"

namespace engine::metrics::testing {

TEST_CASE("the 2 x 2 table counts each case once, by which classifier got it right") {
  // Case:       0  1  2  3  4  5  6  7
  // label:      1  1  0  0  1  0  1  0
  // a predicts: 1  1  0  1  0  0  0  1   right on 0, 1, 2, 5
  // b predicts: 1  0  0  0  1  1  0  1   right on 0, 2, 3, 4
  const McNemarTest test =
      mcnemar_test({1, 1, 0, 0, 1, 0, 1, 0}, {1, 1, 0, 1, 0, 0, 0, 1}, {1, 0, 0, 0, 1, 1, 0, 1});
  CHECK(test.both_correct == 2);    // 0, 2
  CHECK(test.only_a_correct == 2);  // 1, 5
  CHECK(test.only_b_correct == 2);  // 3, 4
  CHECK(test.both_wrong == 2);      // 6, 7
  CHECK(test.cases() == 8);
  CHECK(test.accuracy_a().value() == 0.5);
  CHECK(test.accuracy_b().value() == 0.5);
  CHECK(test.accuracy_difference() == 0.0);
  CHECK(test.p_value == 1.0);  // b = c
  CHECK(test.mid_p_value == 1.0);
}

TEST_CASE("small tables by hand: 0 against 7 and 3 against 12") {
  // b = 0, c = 7: P(X <= 0) = 1/128, p = 2/128; mid-p = 2/128 - 1/128 = 1/128.
  const McNemarTest seven = mcnemar_test(0, 7);
  CHECK(seven.p_value == 1.0 / 64.0);
  CHECK(seven.mid_p_value == 1.0 / 128.0);
  // b = 3, c = 12: P(X <= 3) = (1 + 15 + 105 + 455) / 2^15 = 576 / 32768, p = 1152 / 32768;
  // mid-p = (576 + 121) / 32768.
  const McNemarTest fifteen = mcnemar_test(3, 12);
  CHECK(fifteen.p_value == 1152.0 / 32768.0);
  CHECK(fifteen.mid_p_value == 697.0 / 32768.0);
  CHECK(mcnemar_test(12, 3).p_value == fifteen.p_value);  // symmetric in b and c
  CHECK(fifteen.accuracy_difference() == doctest::Approx(-9.0 / 15.0));
}

TEST_CASE("no discordant case: p = 1 and the JSON says the test has no information") {
  const McNemarTest test = mcnemar_test({0, 1, 1}, {0, 1, 0}, {0, 1, 0});
  CHECK(test.discordant() == 0);
  CHECK(test.p_value == 1.0);
  CHECK(test.mid_p_value == 1.0);
  const Json json = to_json(test);
  CHECK(json.at("note").as_string().find("no information") != std::string::npos);
  CHECK(json.at("both_correct").as_integer() == 2);
  CHECK(json.at("both_wrong").as_integer() == 1);
  CHECK(to_json(mcnemar_test(1, 4)).find("note") == nullptr);
}

TEST_CASE("p-values agree with exact rational sums and statsmodels, on both arithmetic paths") {
  for (const Json& entry : paired_fixture().at("mcnemar_counts").as_array()) {
    const std::int64_t b = entry.at("b").as_integer();
    const std::int64_t c = entry.at("c").as_integer();
    CAPTURE(b);
    CAPTURE(c);
    const McNemarTest test = mcnemar_test(b, c);
    const double expected = entry.at("p_exact").as_number();
    const double expected_mid = entry.at("p_mid").as_number();
    if (b + c <= 62) {
      // The integer path: the tail is exact and rounded once, as the fixture's.
      CHECK(test.p_value == expected);
      CHECK(close_to(test.mid_p_value, expected_mid, 4.5e-16));  // one addition
    } else {
      // Long-double log space: lgammal's error in log P(X = k) grows with n (7e-15 at n = 20400).
      CHECK(close_to(test.p_value, expected, 1e-13));
      CHECK(close_to(test.mid_p_value, expected_mid, 1e-13));
    }
  }
}

TEST_CASE("the half-binomial tail: its three parts, and k = n") {
  for (std::int64_t n : {0, 1, 10, 62, 63, 200}) {
    CAPTURE(n);
    const HalfBinomialTail all = half_binomial_tail(n, n);
    CHECK(all.at_most == doctest::Approx(1.0).epsilon(1e-14));
    CHECK(close_to(all.exactly, std::ldexp(1.0, -static_cast<int>(n)), 1e-15));
    const std::int64_t k = n / 3;
    const HalfBinomialTail tail = half_binomial_tail(k, n);
    CHECK(close_to(tail.less_than + tail.exactly, tail.at_most, 1e-15));
  }
  CHECK(half_binomial_tail(0, 0).at_most == 1.0);
  CHECK(half_binomial_tail(0, 0).less_than == 0.0);
  CHECK_THROWS_AS(half_binomial_tail(5, 4), MetricsError);
  CHECK_THROWS_AS(half_binomial_tail(-1, 4), MetricsError);
}

TEST_CASE("the tables of the fixture's paired cases, from probabilities at 0.5") {
  for (const Json& entry : paired_fixture().at("paired_cases").as_array()) {
    CAPTURE(entry.at("name").as_string());
    const std::vector<int> labels = integers_of(entry.at("labels"));
    const double threshold = entry.at("threshold").as_number();
    const McNemarTest test =
        mcnemar_test(labels, predicted_classes(numbers_of(entry.at("a")), threshold),
                     predicted_classes(numbers_of(entry.at("b")), threshold));
    const Json& expected = entry.at("mcnemar");
    CHECK(test.only_a_correct == expected.at("b").as_integer());
    CHECK(test.only_b_correct == expected.at("c").as_integer());
    CHECK(test.both_correct == expected.at("both_correct").as_integer());
    CHECK(test.both_wrong == expected.at("both_wrong").as_integer());
    CHECK(test.p_value == expected.at("p_exact").as_number());
  }
}

TEST_CASE("bad input is refused with the function and the problem named") {
  CHECK_THROWS_WITH_AS(mcnemar_test(-1, 3), doctest::Contains("must not be negative"),
                       MetricsError);
  CHECK_THROWS_WITH_AS(mcnemar_test({0, 1}, {0}, {0, 1}), doctest::Contains("2 labels but 1"),
                       MetricsError);
  CHECK_THROWS_WITH_AS(mcnemar_test({}, {}, {}), doctest::Contains("empty"), MetricsError);
  CHECK_THROWS_WITH_AS(mcnemar_test({0, 1}, {0, 2}, {0, 1}), doctest::Contains("predictions of a"),
                       MetricsError);
}

}  // namespace engine::metrics::testing
