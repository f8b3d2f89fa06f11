#include "metrics/pairwise.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "metrics/error.h"
#include "metrics/ratio.h"

namespace engine::metrics {

namespace {

void check_input(const PairwiseInput& input) {
  if (input.models.size() < 2) {
    throw MetricsError("metrics: compare_pairwise: " + std::to_string(input.models.size()) +
                       " model(s); a comparison needs at least 2");
  }
  if (input.positive_class != 0 && input.positive_class != 1) {
    throw MetricsError("metrics: compare_pairwise: the positive class must be chosen (0 or 1)");
  }
  if (!input.bootstrap_seed) {
    throw MetricsError("metrics: compare_pairwise: the bootstrap seed must be chosen");
  }
  check_threshold(input.threshold, "compare_pairwise");
  std::set<std::string> seen;
  for (const ModelScores& model : input.models) {
    if (!seen.insert(model.name).second) {
      throw MetricsError("metrics: compare_pairwise: two models are named \"" + model.name + "\"");
    }
    check_sample(input.labels, model.probabilities_class1,
                 "compare_pairwise (model \"" + model.name + "\")");
  }
}

Json holm_note(const std::string& family, std::size_t pairs) {
  Json json = Json::object();
  json.set("family", family);
  json.set("tests", static_cast<std::int64_t>(pairs));
  json.set("adjustment",
           "Holm (1979) step-down: adjusted p(i) = min(1, max_{j<=i} (m - j + 1) p(j)); "
           "controls the family-wise error rate under any dependence");
  return json;
}

}  // namespace

std::vector<double> holm_adjusted(const std::vector<double>& p_values) {
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    const double p = p_values[i];
    if (!std::isnan(p) && !(p >= 0.0 && p <= 1.0)) {
      throw MetricsError("metrics: holm_adjusted: p_values[" + std::to_string(i) +
                         "] is not in [0, 1]");
    }
  }
  // Ascending, NaN last; stable so tied p-values keep their input order.
  std::vector<std::size_t> order(p_values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (std::isnan(p_values[b])) return !std::isnan(p_values[a]);
    return p_values[a] < p_values[b];
  });
  std::vector<double> adjusted(p_values.size());
  const double family = static_cast<double>(p_values.size());
  double running_maximum = 0.0;
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const double p = p_values[order[rank]];
    if (std::isnan(p)) {
      adjusted[order[rank]] = p;
      continue;
    }
    running_maximum = std::max(running_maximum, (family - static_cast<double>(rank)) * p);
    adjusted[order[rank]] = std::min(1.0, running_maximum);
  }
  return adjusted;
}

PairwiseComparisons compare_pairwise(const PairwiseInput& input) {
  check_input(input);
  PairwiseComparisons result;
  result.description = input.description;
  result.names = input.names;
  result.threshold = input.threshold;
  std::vector<std::vector<int>> predictions;
  for (const ModelScores& model : input.models) {
    result.model_names.push_back(model.name);
    predictions.push_back(predicted_classes(model.probabilities_class1, input.threshold));
  }
  std::vector<double> accuracy_p;
  std::vector<double> auc_p;
  for (std::size_t a = 0; a < input.models.size(); ++a) {
    for (std::size_t b = a + 1; b < input.models.size(); ++b) {
      const std::vector<double>& scores_a = input.models[a].probabilities_class1;
      const std::vector<double>& scores_b = input.models[b].probabilities_class1;
      PairComparison pair;
      pair.a = a;
      pair.b = b;
      pair.accuracy = mcnemar_test(input.labels, predictions[a], predictions[b]);
      pair.auc = delong_test(input.labels, scores_a, scores_b, input.positive_class, input.names);
      pair.auc_bootstrap = paired_bootstrap_auc_difference(
          input.labels, scores_a, scores_b, input.positive_class, *input.bootstrap_seed,
          input.bootstrap_replicates, input.names);
      accuracy_p.push_back(pair.accuracy.p_value);
      auc_p.push_back(pair.auc.p_value);
      result.pairs.push_back(std::move(pair));
    }
  }
  const std::vector<double> accuracy_adjusted = holm_adjusted(accuracy_p);
  const std::vector<double> auc_adjusted = holm_adjusted(auc_p);
  for (std::size_t i = 0; i < result.pairs.size(); ++i) {
    result.pairs[i].accuracy_p_holm = accuracy_adjusted[i];
    result.pairs[i].auc_p_holm = auc_adjusted[i];
  }
  return result;
}

Json to_json(const PairwiseComparisons& comparisons) {
  Json json = Json::object();
  json.set("description", comparisons.description);
  Json models = Json::array();
  for (const std::string& name : comparisons.model_names) models.push_back(name);
  json.set("models", std::move(models));
  json.set("threshold", comparisons.threshold);
  const std::size_t count = comparisons.pairs.size();
  Json families = Json::array();
  families.push_back(holm_note("accuracy: McNemar exact p-values of every pair", count));
  families.push_back(holm_note("AUC: DeLong p-values of every pair", count));
  json.set("multiple_comparisons", std::move(families));
  json.set("caveats",
           "each family is adjusted on its own, not for the other; mid-p and bootstrap p-values "
           "are second readings and are not adjusted; a difference that is not significant is "
           "not evidence that two models are equivalent; models must be chosen on validation, "
           "not on these test cases");
  Json pairs = Json::array();
  for (const PairComparison& pair : comparisons.pairs) {
    Json entry = Json::object();
    entry.set("a", comparisons.model_names[pair.a]);
    entry.set("b", comparisons.model_names[pair.b]);
    Json accuracy = to_json(pair.accuracy);
    accuracy.set("predictions", "class 1 when p(class 1) >= threshold; every case decided");
    accuracy.set("p_value_holm", pair.accuracy_p_holm);
    entry.set("accuracy", std::move(accuracy));
    Json auc = to_json(pair.auc);
    auc.set("p_value_holm", number_or_null(pair.auc_p_holm));
    auc.set("bootstrap", to_json(pair.auc_bootstrap));
    entry.set("auc", std::move(auc));
    pairs.push_back(std::move(entry));
  }
  json.set("pairs", std::move(pairs));
  return json;
}

}  // namespace engine::metrics
