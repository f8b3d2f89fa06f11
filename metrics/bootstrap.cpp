#include "metrics/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "metrics/confusion.h"
#include "metrics/error.h"
#include "metrics/roc.h"
#include "util/philox.h"

namespace engine::metrics {

namespace {

// An integer uniform in [0, bound) from 64 bits by multiply-and-shift (Lemire 2019); the bias
// is below bound / 2^64, invisible at any sample size.
std::size_t index_below(std::uint64_t seed, std::uint64_t replicate, std::uint64_t position,
                        std::size_t bound) {
  const random::Counter bits = random::draw(seed, bootstrap_domain | replicate, position);
  const std::uint64_t word = (static_cast<std::uint64_t>(bits.words[0]) << 32) | bits.words[1];
  return static_cast<std::size_t>((static_cast<unsigned __int128>(word) * bound) >> 64);
}

}  // namespace

std::vector<std::size_t> bootstrap_resample(const std::vector<int>& labels, std::uint64_t seed,
                                            std::uint64_t replicate) {
  check_labels(labels, "bootstrap_resample");
  if (replicate >= (std::uint64_t{1} << 48)) {
    throw MetricsError("metrics: bootstrap_resample: replicate index must be below 2^48");
  }
  std::vector<std::size_t> members[2];
  for (std::size_t i = 0; i < labels.size(); ++i) members[labels[i]].push_back(i);
  std::vector<std::size_t> resample;
  resample.reserve(labels.size());
  for (const std::vector<std::size_t>& group : members) {
    for (std::size_t j = 0; j < group.size(); ++j) {
      resample.push_back(group[index_below(seed, replicate, resample.size(), group.size())]);
    }
  }
  return resample;
}

double interpolated_quantile(const std::vector<double>& sorted_values, double q) {
  if (sorted_values.empty()) throw MetricsError("metrics: interpolated_quantile: no values");
  if (!(q >= 0.0 && q <= 1.0))
    throw MetricsError("metrics: interpolated_quantile: q not in [0, 1]");
  const double position = q * static_cast<double>(sorted_values.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted_values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted_values[below] + fraction * (sorted_values[above] - sorted_values[below]);
}

std::vector<double> replicate_values(const std::vector<int>& labels, std::uint64_t seed,
                                     int replicates, const ResampleMetric& metric) {
  if (replicates < 2) throw MetricsError("metrics: replicate_values: need >= 2 replicates");
  std::vector<double> values(static_cast<std::size_t>(replicates));
  for (int replicate = 0; replicate < replicates; ++replicate) {
    values[static_cast<std::size_t>(replicate)] =
        metric(bootstrap_resample(labels, seed, static_cast<std::uint64_t>(replicate)));
  }
  return values;
}

void set_percentile_interval(BootstrapInterval& result, std::vector<double> values) {
  if (!(result.confidence > 0.0 && result.confidence < 1.0)) {
    throw MetricsError("metrics: set_percentile_interval: confidence must be in (0, 1)");
  }
  result.undefined_replicates = static_cast<int>(
      std::count_if(values.begin(), values.end(), [](double value) { return std::isnan(value); }));
  if (result.undefined_replicates > 0) {
    result.interval = {std::nan(""), std::nan("")};
    return;
  }
  std::sort(values.begin(), values.end());
  result.interval = {interpolated_quantile(values, (1.0 - result.confidence) / 2.0),
                     interpolated_quantile(values, (1.0 + result.confidence) / 2.0)};
}

BootstrapInterval stratified_bootstrap(const std::string& metric_name, const SampleMetric& metric,
                                       const std::vector<int>& labels,
                                       const std::vector<double>& probabilities_class1,
                                       std::uint64_t seed, int replicates, double confidence) {
  check_sample(labels, probabilities_class1, "stratified_bootstrap");
  if (replicates < 2) throw MetricsError("metrics: stratified_bootstrap: need >= 2 replicates");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw MetricsError("metrics: stratified_bootstrap: confidence must be in (0, 1)");
  }
  BootstrapInterval result;
  result.metric = metric_name;
  result.estimate = metric(labels, probabilities_class1);
  result.confidence = confidence;
  result.seed = seed;
  result.replicates = replicates;

  std::vector<double> resampled_probabilities(labels.size());
  std::vector<int> resampled_labels(labels.size());
  const ResampleMetric on_resample = [&](const std::vector<std::size_t>& resample) {
    for (std::size_t j = 0; j < resample.size(); ++j) {
      resampled_probabilities[j] = probabilities_class1[resample[j]];
      resampled_labels[j] = labels[resample[j]];
    }
    return metric(resampled_labels, resampled_probabilities);
  };
  set_percentile_interval(result, replicate_values(labels, seed, replicates, on_resample));
  return result;
}

BootstrapInterval bootstrap_f1(const std::vector<int>& labels,
                               const std::vector<double>& probabilities_class1, double threshold,
                               int positive_class, std::uint64_t seed, int replicates,
                               const ClassNames& names) {
  check_threshold(threshold, "bootstrap_f1");
  check_class_index(positive_class, "bootstrap_f1");
  const SampleMetric f1 = [threshold, positive_class](const std::vector<int>& sample_labels,
                                                      const std::vector<double>& probabilities) {
    return f1_of(confusion_matrix_at_threshold(sample_labels, probabilities, threshold),
                 positive_class)
        .value();
  };
  return stratified_bootstrap("F1 (positive class: " + names.of(positive_class) + ")", f1, labels,
                              probabilities_class1, seed, replicates);
}

BootstrapInterval bootstrap_auc(const std::vector<int>& labels,
                                const std::vector<double>& probabilities_class1, int positive_class,
                                std::uint64_t seed, int replicates, const ClassNames& names) {
  check_class_index(positive_class, "bootstrap_auc");
  const SampleMetric auc = [positive_class, names](const std::vector<int>& sample_labels,
                                                   const std::vector<double>& probabilities) {
    return mann_whitney_auc(sample_labels, probabilities, positive_class, names);
  };
  return stratified_bootstrap("AUC (positive class: " + names.of(positive_class) + ")", auc, labels,
                              probabilities_class1, seed, replicates);
}

Json to_json(const BootstrapInterval& interval) {
  Json json = Json::object();
  json.set("metric", interval.metric);
  json.set("estimate", number_or_null(interval.estimate));
  json.set("lower", number_or_null(interval.interval.lower));
  json.set("upper", number_or_null(interval.interval.upper));
  json.set("confidence", interval.confidence);
  json.set("method",
           "stratified bootstrap (resampling within each true class), percentile "
           "interval, quantiles by Hyndman-Fan definition 7; Philox4x32-10 draws");
  // As a decimal string: a 64-bit seed does not fit the 53-bit integers that many JSON readers
  // keep exactly, and a seed that is off by one reproduces nothing.
  json.set("seed", std::to_string(interval.seed));
  json.set("replicates", interval.replicates);
  json.set("undefined_replicates", interval.undefined_replicates);
  return json;
}

}  // namespace engine::metrics
