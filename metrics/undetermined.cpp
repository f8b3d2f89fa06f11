#include "metrics/undetermined.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "metrics/error.h"

namespace engine::metrics {

UndeterminedBand fit_undetermined_band(const std::vector<int>& labels,
                                       const std::vector<double>& probabilities_class1,
                                       double target_accuracy) {
  check_sample(labels, probabilities_class1, "fit_undetermined_band");
  if (!(target_accuracy > 0.0 && target_accuracy <= 1.0)) {
    throw MetricsError("metrics: fit_undetermined_band: the target accuracy must be in (0, 1]");
  }
  const std::size_t n = labels.size();
  std::vector<double> confidence(n);
  std::vector<bool> correct(n);
  for (std::size_t i = 0; i < n; ++i) {
    confidence[i] = confidence_of(probabilities_class1[i]);
    correct[i] = predicted_class(probabilities_class1[i]) == labels[i];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return confidence[a] > confidence[b]; });

  UndeterminedBand band;
  band.target_accuracy = target_accuracy;
  band.confidence_threshold = std::numeric_limits<double>::quiet_NaN();
  band.decided_accuracy_interval = wilson_interval(0, 0);
  band.undetermined_fraction = {static_cast<std::int64_t>(n), static_cast<std::int64_t>(n)};
  // Walk down the confidences; after each tie group the decided set is every case with
  // confidence >= that group's value. Keep the last (smallest) value meeting the target.
  std::int64_t decided = 0;
  std::int64_t decided_correct = 0;
  for (std::size_t start = 0; start < n;) {
    const double value = confidence[order[start]];
    std::size_t end = start;
    while (end < n && confidence[order[end]] == value) {
      ++decided;
      decided_correct += correct[order[end]] ? 1 : 0;
      ++end;
    }
    start = end;
    const Ratio accuracy{decided_correct, decided};
    // Compared as a quotient: when correct / decided equals the target exactly (19 of 20
    // against 0.95), both sides are the double nearest the same real number, so they compare
    // equal; target * decided could round either way.
    if (accuracy.value() >= target_accuracy) {
      band.reached = true;
      band.confidence_threshold = value;
      band.decided_accuracy = accuracy;
      band.undetermined_fraction = {static_cast<std::int64_t>(n) - decided,
                                    static_cast<std::int64_t>(n)};
    }
    // Exact comparison of the fractions by cross-multiplication; on a tie the later (smaller)
    // threshold wins, since it decides more cases.
    if (!band.best_accuracy.defined() || accuracy.numerator * band.best_accuracy.denominator >=
                                             band.best_accuracy.numerator * accuracy.denominator) {
      band.best_accuracy = accuracy;
      band.best_accuracy_threshold = value;
    }
  }
  if (band.reached) band.decided_accuracy_interval = wilson_interval(band.decided_accuracy);
  return band;
}

CaseDecision decide(double probability_class1, double confidence_threshold) {
  check_probabilities({probability_class1}, "decide");
  if (!(confidence_threshold >= 0.5 && confidence_threshold <= 1.0)) {
    throw MetricsError(
        "metrics: decide: the confidence threshold must be in [0.5, 1] (a "
        "threshold that was not reached cannot be used to decide)");
  }
  CaseDecision decision;
  decision.confidence = confidence_of(probability_class1);
  if (decision.confidence >= confidence_threshold) {
    decision.determined = true;
    decision.predicted_class = predicted_class(probability_class1);
  }
  return decision;
}

std::string decision_name(const CaseDecision& decision, const ClassNames& names) {
  return decision.determined ? names.of(decision.predicted_class) : "undetermined";
}

Json to_json(const UndeterminedBand& band) {
  Json json = Json::object();
  json.set("rule",
           "a case is decided when max(p, 1 - p) >= threshold, else undetermined; the "
           "threshold is the smallest one at which the decided validation cases reach "
           "the target accuracy");
  json.set("target_accuracy", band.target_accuracy);
  json.set("reached", band.reached);
  json.set("confidence_threshold", number_or_null(band.confidence_threshold));
  json.set("decided_accuracy", to_json(band.decided_accuracy));
  json.set("decided_accuracy_interval_95",
           to_json(band.decided_accuracy_interval, "Wilson (1927) score, two-sided 95%"));
  json.set("undetermined_fraction", to_json(band.undetermined_fraction));
  json.set("best_accuracy", to_json(band.best_accuracy));
  json.set("best_accuracy_threshold", band.best_accuracy_threshold);
  json.set("caution",
           "chosen and measured on the same validation cases, so the decided accuracy "
           "is optimistic; re-estimate it on independent test cases");
  return json;
}

}  // namespace engine::metrics
