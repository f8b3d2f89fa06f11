// Stratified bootstrap: reproducibility from the seed, stratification, the quantile rule, and
// two statistical sanity checks against a known answer.
#include "metrics/bootstrap.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "metrics/confusion.h"
#include "metrics/error.h"
#include "tests/metrics/hand_cases.h"
#include "util/philox.h"

namespace engine::metrics::testing {

namespace {

// Accuracy at threshold 0.5 as a SampleMetric.
double accuracy_metric(const std::vector<int>& labels, const std::vector<double>& probabilities) {
  return accuracy(confusion_matrix_at_threshold(labels, probabilities)).value();
}

// A sample with n_female female and n_male male cases whose predictions are right with the
// given accuracies: the first round(accuracy * n) cases of each class are correct.
struct Sample {
  std::vector<double> probabilities;
  std::vector<int> labels;
};
Sample sample_with_accuracies(int n_female, double accuracy_female, int n_male,
                              double accuracy_male) {
  Sample sample;
  const int female_correct = static_cast<int>(std::lround(accuracy_female * n_female));
  const int male_correct = static_cast<int>(std::lround(accuracy_male * n_male));
  for (int i = 0; i < n_female; ++i) {
    sample.labels.push_back(0);
    sample.probabilities.push_back(i < female_correct ? 0.2 : 0.8);
  }
  for (int i = 0; i < n_male; ++i) {
    sample.labels.push_back(1);
    sample.probabilities.push_back(i < male_correct ? 0.8 : 0.2);
  }
  return sample;
}

}  // namespace

TEST_CASE("percentile quantiles interpolate between order statistics (Hyndman-Fan 7)") {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  CHECK(interpolated_quantile(values, 0.0) == 1.0);
  CHECK(interpolated_quantile(values, 0.25) == 2.0);  // position 0.25 * 4 = 1
  CHECK(interpolated_quantile(values, 0.1) == doctest::Approx(1.4).epsilon(1e-15));  // 0.4
  CHECK(interpolated_quantile(values, 1.0) == 5.0);
  CHECK_THROWS_AS(interpolated_quantile({}, 0.5), MetricsError);
}

TEST_CASE("a resample keeps each class's count and draws only from that class") {
  const TenCases cases;
  for (std::uint64_t replicate = 0; replicate < 50; ++replicate) {
    const std::vector<std::size_t> resample = bootstrap_resample(cases.labels, 7, replicate);
    REQUIRE(resample.size() == cases.labels.size());
    // Class 0's draws come first: 4 females, then 6 males.
    for (std::size_t j = 0; j < resample.size(); ++j) {
      CHECK(cases.labels[resample[j]] == (j < 4 ? 0 : 1));
    }
  }
  // Over many replicates every case is drawn (a resample is not the identity or a constant).
  std::vector<int> drawn(cases.labels.size(), 0);
  for (std::uint64_t replicate = 0; replicate < 50; ++replicate) {
    for (std::size_t index : bootstrap_resample(cases.labels, 7, replicate)) ++drawn[index];
  }
  CHECK(std::count(drawn.begin(), drawn.end(), 0) == 0);
}

TEST_CASE("a resample is a pure function of (seed, replicate)") {
  const TenCases cases;
  CHECK(bootstrap_resample(cases.labels, 7, 3) == bootstrap_resample(cases.labels, 7, 3));
  CHECK(bootstrap_resample(cases.labels, 7, 3) != bootstrap_resample(cases.labels, 7, 4));
  CHECK(bootstrap_resample(cases.labels, 7, 3) != bootstrap_resample(cases.labels, 8, 3));
  // Draw j of replicate r is Philox(seed, domain | r, j) mapped below the class size.
  const random::Counter bits = random::draw(7, bootstrap_domain | 3, 0);
  const std::uint64_t word = (static_cast<std::uint64_t>(bits.words[0]) << 32) | bits.words[1];
  const std::size_t first =
      static_cast<std::size_t>((static_cast<unsigned __int128>(word) * 4) >> 64);
  const std::vector<std::size_t> females = {1, 4, 6, 8};  // positions of the female cases
  CHECK(bootstrap_resample(cases.labels, 7, 3)[0] == females[first]);
}

TEST_CASE("same seed, same interval; another seed, another interval") {
  const Sample sample = sample_with_accuracies(60, 0.8, 60, 0.7);
  const BootstrapInterval first = bootstrap_f1(sample.labels, sample.probabilities, 0.5, 1, 42);
  const BootstrapInterval again = bootstrap_f1(sample.labels, sample.probabilities, 0.5, 1, 42);
  const BootstrapInterval other = bootstrap_f1(sample.labels, sample.probabilities, 0.5, 1, 43);
  CHECK(first.interval.lower == again.interval.lower);
  CHECK(first.interval.upper == again.interval.upper);
  CHECK((first.interval.lower != other.interval.lower ||
         first.interval.upper != other.interval.upper));
  CHECK(first.seed == 42);
  CHECK(first.replicates == 2000);
  CHECK(first.undefined_replicates == 0);
  CHECK(first.metric == "F1 (positive class: male)");
  // F1 for male: TP 42, FN 18, FP 12 -> 84 / 114.
  CHECK(first.estimate == 84.0 / 114.0);
  CHECK(first.interval.lower < first.estimate);
  CHECK(first.interval.upper > first.estimate);
  const Json json = to_json(first);
  CHECK(json.at("seed").as_string() == "42");
  CHECK(json.at("replicates").as_integer() == 2000);
}

TEST_CASE("bootstrap AUC brackets the sample AUC and is reproducible") {
  const TenCases cases;
  const BootstrapInterval auc = bootstrap_auc(cases.labels, cases.probabilities, 1, 5, 500);
  // Male scores 0.9 0.8 0.7 0.6 0.4 0.2 against female 0.1 0.3 0.45 0.55: 19 of 24 pairs won.
  CHECK(auc.estimate == 19.0 / 24.0);
  CHECK(auc.interval.lower <= auc.estimate);
  CHECK(auc.interval.upper <= 1.0);
  CHECK(auc.interval.lower ==
        bootstrap_auc(cases.labels, cases.probabilities, 1, 5, 500).interval.lower);
  CHECK(auc.metric == "AUC (positive class: male)");
}

TEST_CASE("interval width matches the known sampling spread of a stratified accuracy") {
  // With fixed class counts, a replicate's accuracy is (X0 + X1) / n with independent
  // X_c ~ Binomial(n_c, a_c). For n0 = n1 = 200, a0 = 0.8, a1 = 0.7:
  //   var = (200 * 0.8 * 0.2 + 200 * 0.7 * 0.3) / 400^2 = 74 / 160000, sd = 0.0215058
  // and the central 95% range of this near-normal distribution is 2 * 1.96 * sd = 0.084303.
  // With 4000 replicates each percentile's Monte Carlo error is ~0.001 and the accuracy moves
  // in steps of 1/400; together at most ~0.005 on the width, so we allow 10% (0.0084)
  // (observed: 0.0875, 4% wide). A resample of the wrong size (say half the cases) would change
  // the width by its square root (41%), far outside this tolerance.
  const Sample sample = sample_with_accuracies(200, 0.8, 200, 0.7);
  const BootstrapInterval interval = stratified_bootstrap(
      "accuracy", accuracy_metric, sample.labels, sample.probabilities, 11, 4000);
  CHECK(interval.estimate == 0.75);
  const double sd = std::sqrt(74.0 / 160000.0);
  CHECK(interval.interval.upper - interval.interval.lower ==
        doctest::Approx(2 * 1.959963984540054 * sd).epsilon(0.10));
  CHECK((interval.interval.lower + interval.interval.upper) / 2 ==
        doctest::Approx(0.75).epsilon(0.01));
}

TEST_CASE("stratification: class counts are fixed, so only within-class spread remains") {
  // Every female case right, every male case wrong: each stratified replicate has exactly 30
  // correct of 50, so the interval is the single point 0.6. An unstratified bootstrap would let
  // the number of females vary (sd sqrt(50 * 0.6 * 0.4) = 3.5 cases) and give a wide interval.
  const Sample sample = sample_with_accuracies(30, 1.0, 20, 0.0);
  const BootstrapInterval interval = stratified_bootstrap(
      "accuracy", accuracy_metric, sample.labels, sample.probabilities, 3, 500);
  CHECK(interval.estimate == 0.6);
  CHECK(interval.interval.lower == 0.6);
  CHECK(interval.interval.upper == 0.6);
}

TEST_CASE("coverage: the 95% interval holds the true accuracy in about 95% of samples") {
  // 200 samples of 40 female + 40 male cases, each case correct with probability 0.8 (female)
  // or 0.7 (male), drawn from Philox; true accuracy 0.75. 400 replicates per interval.
  // With 200 samples the observed coverage of a true 95% interval has sd 0.015; the percentile
  // bootstrap is known to under-cover slightly at this size. We accept [0.88, 0.99]: 4.5 sd
  // below and 2.6 sd above 0.95. An interval half as wide covers ~68%, twice as wide ~100%.
  int covered = 0;
  const int samples = 200;
  for (int s = 0; s < samples; ++s) {
    Sample sample;
    for (int i = 0; i < 80; ++i) {
      const int label = i < 40 ? 0 : 1;
      const double chance_correct = label == 0 ? 0.8 : 0.7;
      const bool correct = random::uniform(2024, static_cast<std::uint64_t>(s), i) < chance_correct;
      sample.labels.push_back(label);
      sample.probabilities.push_back(correct == (label == 1) ? 0.8 : 0.2);
    }
    const BootstrapInterval interval =
        stratified_bootstrap("accuracy", accuracy_metric, sample.labels, sample.probabilities,
                             static_cast<std::uint64_t>(1000 + s), 400);
    if (interval.interval.lower <= 0.75 && 0.75 <= interval.interval.upper) ++covered;
  }
  const double coverage = static_cast<double>(covered) / samples;
  CAPTURE(coverage);
  CHECK(coverage >= 0.88);
  CHECK(coverage <= 0.99);
}

TEST_CASE("an undefined replicate makes the interval undefined, and says how many") {
  // Precision of male with predictions that are rarely male: some resamples contain no male
  // prediction, so precision is 0/0 there.
  const std::vector<double> probabilities = {0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.9, 0.2};
  const std::vector<int> labels = {0, 0, 0, 0, 1, 1, 1, 1};
  const SampleMetric precision = [](const std::vector<int>& y, const std::vector<double>& p) {
    return precision_of(confusion_matrix_at_threshold(y, p), 1).value();
  };
  const BootstrapInterval interval =
      stratified_bootstrap("precision", precision, labels, probabilities, 3, 200);
  CHECK(interval.undefined_replicates > 0);
  CHECK_FALSE(interval.interval.defined());
  CHECK(interval.estimate == 1.0);
}

TEST_CASE("replicate_values draws replicate r from bootstrap_resample(seed, r), in order") {
  const TenCases cases;
  const ResampleMetric first_position = [](const std::vector<std::size_t>& resample) {
    return static_cast<double>(resample.front());
  };
  const std::vector<double> values = replicate_values(cases.labels, 9, 5, first_position);
  REQUIRE(values.size() == 5);
  for (std::uint64_t r = 0; r < 5; ++r) {
    CHECK(values[r] == static_cast<double>(bootstrap_resample(cases.labels, 9, r).front()));
  }
  BootstrapInterval result;
  set_percentile_interval(result, {3.0, 1.0, 2.0, 5.0, 4.0});
  CHECK(result.interval.lower == doctest::Approx(1.1));  // 0.025 * 4 = 0.1 above the minimum
  CHECK(result.interval.upper == doctest::Approx(4.9));
  set_percentile_interval(result, {1.0, std::nan(""), 2.0});
  CHECK(result.undefined_replicates == 1);
  CHECK_FALSE(result.interval.defined());
}

TEST_CASE("bootstrap input errors") {
  CHECK_THROWS_AS(bootstrap_auc({1, 1}, {0.2, 0.3}, 1, 1), MetricsError);  // AUC needs both
  CHECK_THROWS_AS(bootstrap_f1({1}, {0.2}, 0.5, 1, 1, 1), MetricsError);   // < 2 replicates
  CHECK_THROWS_AS(bootstrap_f1({}, {}, 0.5, 1, 1), MetricsError);
}

}  // namespace engine::metrics::testing
