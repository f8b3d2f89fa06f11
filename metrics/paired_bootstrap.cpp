#include "metrics/paired_bootstrap.h"

#include <cmath>
#include <limits>

#include "metrics/delong.h"
#include "metrics/error.h"
#include "metrics/ratio.h"

namespace engine::metrics {

namespace {

// Sample standard deviation, two passes (mean first), so a constant sample gives exactly 0.
double standard_deviation(const std::vector<double>& values) {
  double mean = 0.0;
  for (double value : values) mean += value;
  mean /= static_cast<double>(values.size());
  double squares = 0.0;
  for (double value : values) squares += (value - mean) * (value - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace

PairedAucBootstrap paired_bootstrap_auc_difference(const std::vector<int>& labels,
                                                   const std::vector<double>& probabilities_a,
                                                   const std::vector<double>& probabilities_b,
                                                   int positive_class, std::uint64_t seed,
                                                   int replicates, const ClassNames& names) {
  check_sample(labels, probabilities_a, "paired_bootstrap_auc_difference (classifier a)");
  check_sample(labels, probabilities_b, "paired_bootstrap_auc_difference (classifier b)");
  check_class_index(positive_class, "paired_bootstrap_auc_difference");
  const auto difference = [&](const std::vector<int>& sample_labels, const std::vector<double>& a,
                              const std::vector<double>& b) {
    return auc_difference(sample_labels, a, b, positive_class, names);
  };
  PairedAucBootstrap result;
  BootstrapInterval& interval = result.difference;
  interval.metric = "AUC(a) - AUC(b) (positive class: " + names.of(positive_class) + ")";
  interval.estimate = difference(labels, probabilities_a, probabilities_b);
  interval.seed = seed;
  interval.replicates = replicates;

  std::vector<int> sample_labels(labels.size());
  std::vector<double> sample_a(labels.size());
  std::vector<double> sample_b(labels.size());
  const std::vector<double> values =
      replicate_values(labels, seed, replicates, [&](const std::vector<std::size_t>& resample) {
        for (std::size_t j = 0; j < resample.size(); ++j) {
          sample_labels[j] = labels[resample[j]];
          sample_a[j] = probabilities_a[resample[j]];
          sample_b[j] = probabilities_b[resample[j]];
        }
        return difference(sample_labels, sample_a, sample_b);
      });
  set_percentile_interval(interval, values);
  result.standard_error = standard_deviation(values);
  if (result.standard_error > 0.0) {
    result.z = interval.estimate / result.standard_error;
    result.p_value = std::erfc(std::abs(result.z) / std::sqrt(2.0));
  } else {
    result.z = result.p_value = std::numeric_limits<double>::quiet_NaN();
  }
  return result;
}

Json to_json(const PairedAucBootstrap& bootstrap) {
  Json json = to_json(bootstrap.difference);
  json.set("pairing", "both classifiers scored on the same resample in every replicate");
  json.set("standard_error", bootstrap.standard_error);
  json.set("z", number_or_null(bootstrap.z));
  json.set("p_value", number_or_null(bootstrap.p_value));
  json.set("p_value_method",
           "z = difference / bootstrap standard error, two-sided normal (as pROC's bootstrap "
           "test); a cross-check of DeLong's test, not part of the adjusted family");
  return json;
}

}  // namespace engine::metrics
