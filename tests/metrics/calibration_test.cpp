// Temperature scaling, the reliability diagram / ECE and the Brier score.
#include "metrics/calibration.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metrics/error.h"
#include "util/philox.h"

namespace engine::metrics::testing {

namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

TEST_CASE("logit margins and calibrated probabilities") {
  CHECK(logit_margins({1, 3, 2, -1}) == std::vector<double>{2, -3});
  CHECK_THROWS_AS(logit_margins({1, 2, 3}), MetricsError);
  // sigmoid(2 ln 3 / 2) = 3 / (3 + 1).
  CHECK(calibrated_probability(2 * std::log(3.0), 2.0) == doctest::Approx(0.75).epsilon(1e-15));
  // No overflow far out in the tails.
  CHECK(calibrated_probability(-800.0, 1.0) >= 0.0);
  CHECK(calibrated_probability(800.0, 1.0) == 1.0);
  CHECK_THROWS_AS(calibrated_probability(1.0, 0.0), MetricsError);
  // A margin of 0 gives p = 1/2 whatever the label: NLL = ln 2.
  CHECK(mean_negative_log_likelihood({0, 1}, {0, 0}, 1.0) ==
        doctest::Approx(std::log(2.0)).epsilon(1e-15));
}

TEST_CASE("fitted temperature on a case with a closed-form answer") {
  // Four cases with the same margin d = 2, three of them male. The NLL is minimised where the
  // model's p(male) = sigmoid(2 / T) equals the observed 3/4, i.e. 2 / T = ln 3:
  //   T = 2 / ln 3 = 1.8204784532536746.
  // Bisection stops at 1e-12 in log T; the slope it bisects is computed to ~1e-15, so T is
  // good to ~1e-12 relative: we allow 1e-10.
  const TemperatureFit fit = fit_temperature({1, 1, 1, 0}, {2, 2, 2, 2});
  REQUIRE(fit.fitted);
  CHECK(fit.temperature == doctest::Approx(2.0 / std::log(3.0)).epsilon(1e-10));
  CHECK(fit.cases == 4);
  CHECK(fit.iterations > 30);
  // At the optimum NLL = -(3 ln 3/4 + ln 1/4) / 4, below the NLL at T = 1.
  const double optimum = -(3 * std::log(0.75) + std::log(0.25)) / 4;
  CHECK(fit.mean_nll_after == doctest::Approx(optimum).epsilon(1e-12));
  CHECK(fit.mean_nll_before > fit.mean_nll_after);
  // Mirrored cases (margin -2, three female) give the same answer.
  const TemperatureFit mirrored =
      fit_temperature({1, 1, 1, 0, 0, 0, 0, 1}, {2, 2, 2, 2, -2, -2, -2, -2});
  CHECK(mirrored.temperature == doctest::Approx(2.0 / std::log(3.0)).epsilon(1e-10));
}

TEST_CASE("temperature scaling recovers a known temperature from synthetic logits") {
  // 20,000 margins uniform on [-6, 6] and labels drawn from p(male) = sigmoid(d / 2): the true
  // temperature is 2. The maximum-likelihood estimate of s = 1/T has standard error
  // 1 / sqrt(I), with the Fisher information I = sum d^2 sigmoid(s d) (1 - sigmoid(s d)); for T
  // the delta method gives se(T) = T^2 / sqrt(I), about 0.02 here. We require the fit within
  // 4 standard errors (a 6e-5 chance of failing for a correct fit, and the draws are fixed, so
  // the test is deterministic) and the standard error below 0.05, so that a fit off by 0.2
  // (10%) could not pass.
  const double true_temperature = 2.0;
  std::vector<double> margins;
  std::vector<int> labels;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const random::Counter bits = random::draw(77, 1, i);
    const double margin = -6.0 + 12.0 * random::unit_double(bits.words[0], bits.words[1]);
    const double u = random::unit_double(bits.words[2], bits.words[3]);
    margins.push_back(margin);
    labels.push_back(u < logistic(margin / true_temperature) ? 1 : 0);
  }
  const TemperatureFit fit = fit_temperature(labels, margins);
  REQUIRE(fit.fitted);
  double information = 0;
  for (double margin : margins) {
    const double p = logistic(margin / fit.temperature);
    information += margin * margin * p * (1 - p);
  }
  const double standard_error = fit.temperature * fit.temperature / std::sqrt(information);
  CAPTURE(fit.temperature);
  CAPTURE(standard_error);
  CHECK(standard_error < 0.05);
  CHECK(std::abs(fit.temperature - true_temperature) < 4 * standard_error);
  // The fit minimises the NLL: nudging T either way does not lower it.
  const double at_fit = mean_negative_log_likelihood(labels, margins, fit.temperature);
  CHECK(at_fit <= mean_negative_log_likelihood(labels, margins, fit.temperature * 1.01));
  CHECK(at_fit <= mean_negative_log_likelihood(labels, margins, fit.temperature / 1.01));
  CHECK(fit.mean_nll_after < fit.mean_nll_before);
}

TEST_CASE("a temperature that cannot be fitted is reported, not invented") {
  SUBCASE("separable: NLL falls without bound as T -> 0") {
    const TemperatureFit fit = fit_temperature({1, 1, 0, 0}, {1, 2, -1, -3});
    CHECK_FALSE(fit.fitted);
    CHECK(std::isnan(fit.temperature));
    CHECK(fit.failure.find("separate") != std::string::npos);
  }
  SUBCASE("uninformative: all margins 0") {
    const TemperatureFit fit = fit_temperature({1, 0, 1}, {0, 0, 0});
    CHECK_FALSE(fit.fitted);
    CHECK(fit.failure.find("no information") != std::string::npos);
  }
  SUBCASE("logits pointing the wrong way") {
    const TemperatureFit fit = fit_temperature({0, 0, 1, 1, 1}, {2, 1, -1, -2, 0.5});
    CHECK_FALSE(fit.fitted);
  }
  CHECK_THROWS_AS(fit_temperature({}, {}), MetricsError);
  CHECK_THROWS_AS(fit_temperature({1}, {INFINITY}), MetricsError);
  CHECK_THROWS_AS(fit_temperature({1}, {1, 2}), MetricsError);
}

TEST_CASE("ECE of a perfectly calibrated construction is 0") {
  // 10 cases at p(male) = 0.7 (confidence 0.7, bin (10/15, 11/15]) with 7 male: accuracy 0.7.
  // 10 cases at p(male) = 0.1 (confidence 0.9, called female, bin (13/15, 14/15]) with 9 female.
  // Each bin's accuracy equals its mean confidence, so ECE = 0 up to the rounding of the
  // confidence sums (ten additions of ~1e-16 each): we allow 1e-14.
  std::vector<double> probabilities;
  std::vector<int> labels;
  for (int i = 0; i < 10; ++i) {
    probabilities.push_back(0.7);
    labels.push_back(i < 7 ? 1 : 0);
    probabilities.push_back(0.1);
    labels.push_back(i < 9 ? 0 : 1);
  }
  const ReliabilityDiagram diagram = reliability_diagram(labels, probabilities);
  REQUIRE(diagram.bins.size() == 15);
  CHECK(diagram.expected_calibration_error < 1e-14);
  CHECK(diagram.bins[10].count == 10);
  CHECK(diagram.bins[10].correct == 7);
  CHECK(diagram.bins[13].count == 10);
  CHECK(diagram.bins[13].mean_confidence() == doctest::Approx(0.9).epsilon(1e-15));
  CHECK(std::isnan(diagram.bins[0].mean_confidence()));
}

TEST_CASE("ECE of a known miscalibration, by hand") {
  // 10 cases at p(male) = 0.9 with only 6 male: confidence 0.9, accuracy 0.6, gap 0.3.
  // 10 cases at p(male) = 0.3 (called female, confidence 0.7) with 7 female: gap 0.
  // ECE = (10/20) * 0.3 + (10/20) * 0 = 0.15.
  // Brier: 6 * (0.9 - 1)^2 + 4 * 0.9^2 + 7 * 0.3^2 + 3 * 0.7^2 = 0.06 + 3.24 + 0.63 + 1.47
  //        = 5.4, over 20 cases = 0.27.
  std::vector<double> probabilities;
  std::vector<int> labels;
  for (int i = 0; i < 10; ++i) {
    probabilities.push_back(0.9);
    labels.push_back(i < 6 ? 1 : 0);
    probabilities.push_back(0.3);
    labels.push_back(i < 7 ? 0 : 1);
  }
  const ReliabilityDiagram diagram = reliability_diagram(labels, probabilities);
  CHECK(diagram.expected_calibration_error == doctest::Approx(0.15).epsilon(1e-13));
  CHECK(diagram.bins[13].accuracy().numerator == 6);
  CHECK(diagram.bins[10].accuracy().numerator == 7);
  CHECK(brier_score(labels, probabilities) == doctest::Approx(0.27).epsilon(1e-13));
  // With 10 bins the two groups sit in bins (0.8, 0.9] and (0.6, 0.7]: the same ECE.
  CHECK(reliability_diagram(labels, probabilities, 10).expected_calibration_error ==
        doctest::Approx(0.15).epsilon(1e-13));
  const Json json = to_json(diagram);
  CHECK(json.at("bins").as_array().size() == 15);
  CHECK(json.at("bins").as_array()[0].at("accuracy").is_null());
}

TEST_CASE("Brier score by hand and input checks") {
  // (0.8 - 1)^2 + (0.3 - 0)^2 + (0.5 - 0)^2 = 0.04 + 0.09 + 0.25 = 0.38, over 3.
  CHECK(brier_score({1, 0, 0}, {0.8, 0.3, 0.5}) == doctest::Approx(0.38 / 3).epsilon(1e-14));
  CHECK_THROWS_AS(brier_score({}, {}), MetricsError);
  CHECK_THROWS_AS(reliability_diagram({1}, {0.5}, 0), MetricsError);
}

}  // namespace engine::metrics::testing
