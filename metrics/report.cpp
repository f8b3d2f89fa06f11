#include "metrics/report.h"

#include <cstdio>
#include <string>

#include "metrics/error.h"

namespace engine::metrics {

Evaluation evaluate(const EvaluationInput& input) {
  check_sample(input.labels, input.probabilities_class1, "evaluate");
  check_threshold(input.threshold, "evaluate");
  if (input.positive_class != 0 && input.positive_class != 1) {
    throw MetricsError("metrics: evaluate: choose the positive class explicitly (0 for " +
                       input.names.class0 + " or 1 for " + input.names.class1 + ")");
  }
  if (!input.bootstrap_seed) {
    throw MetricsError(
        "metrics: evaluate: choose a bootstrap seed; it is recorded with the "
        "intervals so they can be reproduced");
  }
  const std::size_t n = input.labels.size();
  if (!input.ids.empty() && input.ids.size() != n) {
    throw MetricsError("metrics: evaluate: " + std::to_string(input.ids.size()) + " ids for " +
                       std::to_string(n) + " cases");
  }
  if (!input.ages_years.empty() && input.ages_years.size() != n) {
    throw MetricsError("metrics: evaluate: " + std::to_string(input.ages_years.size()) +
                       " ages for " + std::to_string(n) + " cases");
  }
  const std::uint64_t seed = *input.bootstrap_seed;
  const std::vector<int> predictions =
      predicted_classes(input.probabilities_class1, input.threshold);

  Evaluation result;
  result.description = input.description;
  result.threshold = input.threshold;
  result.matrix = confusion_matrix(input.labels, predictions, input.names);
  result.positive = positive_class_figures(result.matrix, input.positive_class);
  result.per_class = {class_figures(result.matrix, 0), class_figures(result.matrix, 1)};
  result.macro = macro_averages(result.matrix);
  result.error_rate = error_rate_upper_bound(result.matrix.total() - result.matrix.correct(),
                                             result.matrix.total());
  result.f1_interval =
      bootstrap_f1(input.labels, input.probabilities_class1, input.threshold, input.positive_class,
                   seed, input.bootstrap_replicates, input.names);
  if (result.matrix.true_count(0) > 0 && result.matrix.true_count(1) > 0) {
    result.roc =
        roc_curve(input.labels, input.probabilities_class1, input.positive_class, input.names);
    result.auc = area_under_curve(*result.roc);
    result.auc_interval =
        bootstrap_auc(input.labels, input.probabilities_class1, input.positive_class, seed,
                      input.bootstrap_replicates, input.names);
  } else {
    result.roc_missing_reason = "the cases are all of one class; ROC and AUC need both";
  }
  result.bias = sex_bias(result.matrix);
  if (!input.ages_years.empty()) {
    result.age_bands =
        age_band_figures(input.labels, predictions, input.ages_years, input.age_bands, input.names);
  }
  result.reliability =
      reliability_diagram(input.labels, input.probabilities_class1, input.calibration_bins);
  result.brier = brier_score(input.labels, input.probabilities_class1);
  for (std::size_t i = 0; i < n && !input.ids.empty(); ++i) {
    if (predictions[i] != input.labels[i]) result.misclassified_ids.push_back(input.ids[i]);
  }
  return result;
}

Json to_json(const Evaluation& evaluation) {
  const ClassNames& names = evaluation.matrix.names;
  Json json = Json::object();
  json.set("description", evaluation.description);
  json.set("classes", Json(Json::Array{Json(names.class0), Json(names.class1)}));
  json.set("decision_rule",
           "predicted " + names.class1 + " when p(" + names.class1 + ") >= threshold");
  json.set("threshold", evaluation.threshold);
  json.set("confusion_matrix", to_json(evaluation.matrix));
  json.set("accuracy", to_json_with_wilson(evaluation.positive.accuracy));
  json.set("balanced_accuracy", number_or_null(evaluation.positive.balanced_accuracy));
  Json positive = to_json(evaluation.positive);
  positive.set("f1_interval", to_json(evaluation.f1_interval));
  json.set("positive_class_figures", std::move(positive));
  Json per_class = Json::array();
  for (const ClassFigures& figures : evaluation.per_class) per_class.push_back(to_json(figures));
  json.set("per_class", std::move(per_class));
  json.set("macro_averages", to_json(evaluation.macro));
  json.set("error_rate", to_json(evaluation.error_rate));
  if (evaluation.roc) {
    json.set("roc", to_json(*evaluation.roc));
    json.set("auc", evaluation.auc);
    json.set("auc_interval", to_json(evaluation.auc_interval));
  } else {
    json.set("roc", nullptr);
    json.set("roc_missing", evaluation.roc_missing_reason);
  }
  json.set("sex_bias", to_json(evaluation.bias, names));
  if (evaluation.age_bands) {
    json.set("age_bands", to_json(*evaluation.age_bands));
  } else {
    json.set("age_bands", nullptr);
  }
  json.set("calibration", to_json(evaluation.reliability));
  json.set("brier_score", evaluation.brier);
  json.set("brier_definition",
           "mean of (p(" + names.class1 + ") - y)^2, y = 1 for " + names.class1);
  Json misclassified = Json::array();
  for (const std::string& id : evaluation.misclassified_ids) misclassified.push_back(id);
  json.set("misclassified_ids", std::move(misclassified));
  return json;
}

namespace {

std::string percent(double value) {
  if (value != value) return "undefined";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * value);
  return text;
}

std::string range(const Interval& interval) {
  // Appended piece by piece: "[" + std::string trips a false -Wrestrict warning in GCC 12.
  std::string text = "[";
  text += percent(interval.lower) + ", " + percent(interval.upper) + "]";
  return text;
}

}  // namespace

std::string summary_text(const Evaluation& evaluation) {
  const PositiveClassFigures& positive = evaluation.positive;
  std::string text;
  text += "cases " + std::to_string(evaluation.matrix.total()) + " (" +
          evaluation.matrix.names.class0 + " " + std::to_string(evaluation.matrix.true_count(0)) +
          ", " + evaluation.matrix.names.class1 + " " +
          std::to_string(evaluation.matrix.true_count(1)) + ")\n";
  text += "accuracy " + percent(positive.accuracy.value()) + " " +
          range(wilson_interval(positive.accuracy)) + " (Wilson 95%), balanced accuracy " +
          percent(positive.balanced_accuracy) + "\n";
  text += "F1 (positive: " + positive.positive_name + ") " + percent(positive.f1.value()) + " " +
          range(evaluation.f1_interval.interval) + " (bootstrap 95%, seed " +
          std::to_string(evaluation.f1_interval.seed) + ")\n";
  if (evaluation.roc) {
    text += "AUC (positive: " + positive.positive_name + ") " + percent(evaluation.auc) + " " +
            range(evaluation.auc_interval.interval) + " (bootstrap 95%)\n";
  } else {
    text += "AUC undefined: " + evaluation.roc_missing_reason + "\n";
  }
  text += "error rate " + percent(evaluation.error_rate.observed.value()) +
          ", one-sided 95% upper bound " + percent(evaluation.error_rate.upper_bound) +
          " (Clopper-Pearson)\n";
  text += "sex bias " + evaluation.bias.definition + " = " + percent(evaluation.bias.difference) +
          " " + range(evaluation.bias.interval) + " (Newcombe 95%)\n";
  return text;
}

}  // namespace engine::metrics
