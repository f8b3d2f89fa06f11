#include "apps/report/tables.h"

#include "apps/report/cells.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"

namespace engine::report {

std::vector<std::string> headline_header() {
  return {"Cases", "Accuracy [95% CI]", "Precision (TP/called positive)", "Recall [95% CI]",
          "F1 [95% CI]"};
}

std::vector<std::string> headline_cells(const Field& evaluation) {
  const Field figures = evaluation["positive_class_figures"];
  const auto cases = case_count(evaluation);
  // The recall of the positive class with its Wilson interval is recorded under sex_bias as
  // recall_<class>; the positive-class figures hold the same ratio without an interval.
  const Field recall_interval =
      evaluation["sex_bias"]["recall_" + positive_class(evaluation)]["interval_95"];
  return {
      cases ? count(*cases) : missing("not recorded"),
      percent_with_interval(evaluation["accuracy"]["value"], evaluation["accuracy"]["interval_95"]),
      ratio_cell(figures["precision"]),
      percent_with_interval(figures["recall_sensitivity"]["value"], recall_interval),
      percent_with_interval(figures["f1"]["value"], figures["f1_interval"])};
}

namespace {

std::string method_of(const Field& interval) {
  return interval["method"].text().value_or("method not recorded");
}

// "seed 7, 2,000 replicates" when all evaluations share them, else each with its model's name.
std::string seeds_text(const std::vector<Field>& evaluations,
                       const std::vector<std::string>& names) {
  std::string first;
  bool same = true;
  std::string listed;
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    const Field interval = evaluations[i]["positive_class_figures"]["f1_interval"];
    const std::string seed = interval["seed"].text().value_or("not recorded");
    const auto replicates = interval["replicates"].integer();
    const std::string entry =
        "seed " + seed + ", " + (replicates ? count(*replicates) : "not recorded") + " replicates";
    if (i == 0) first = entry;
    same = same && entry == first;
    listed += (i ? "; " : "") + entry + " (" + names[i] + ")";
  }
  return same ? first : listed;
}

}  // namespace

std::vector<std::string> headline_notes(const std::vector<Field>& evaluations,
                                        const std::vector<std::string>& names) {
  if (evaluations.empty()) return {};
  const Field first = evaluations.front();
  const std::string positive = positive_class(first);
  const std::string negative =
      first["positive_class_figures"]["negative_class"].text().value_or("the other class");
  return {
      "Positive class: " + positive + "; negative class: " + negative +
          ". Decision rule: " + first["decision_rule"].text().value_or("not recorded") +
          ", threshold " + decimal_cell(first["threshold"]) + ".",
      "Accuracy: correct cases / all cases. Interval: " +
          method_of(first["accuracy"]["interval_95"]) + ".",
      "Precision: true " + positive + " among the cases called " + positive +
          " (counts in parentheses); results.json records no interval for it.",
      "Recall (sensitivity): share of true " + positive + " cases called " + positive +
          ". Interval: " + method_of(first["sex_bias"]["recall_" + positive]["interval_95"]) + ".",
      "F1 = 2TP / (2TP + FP + FN). Interval: " +
          method_of(first["positive_class_figures"]["f1_interval"]) + "; " +
          seeds_text(evaluations, names) + ".",
  };
}

std::vector<std::string> extended_header() {
  return {"Balanced accuracy", "Specificity",
          "AUC [95% CI]",      "Error rate; one-sided 95% upper bound",
          "Sex bias [95% CI]", "Undetermined at target (validation)"};
}

std::string undetermined_cell(const Field& band) {
  if (!band.present()) return missing(band.missing_reason());
  const auto target = band["target_accuracy"].number();
  const std::string target_text = target ? percent(*target) : missing("not recorded");
  if (!band["reached"].flag().value_or(false)) {
    return missing("target " + target_text + " not reached; best " +
                   percent_cell(band["best_accuracy"]["value"]) +
                   " at confidence \xE2\x89\xA5"
                   " " +
                   percent_cell(band["best_accuracy_threshold"]) +
                   "; no validated threshold: every case undetermined unless the examiner sets "
                   "one");
  }
  return ratio_cell(band["undetermined_fraction"]) +
         " at confidence \xE2\x89\xA5"
         " " +
         percent_cell(band["confidence_threshold"]) + " (target " + target_text + ")";
}

std::vector<std::string> extended_cells(const Field& evaluation, const Field& model) {
  const Field figures = evaluation["positive_class_figures"];
  std::string auc;
  if (evaluation["roc"].present()) {
    auc = decimal_with_interval(evaluation["auc"], evaluation["auc_interval"]);
  } else if (evaluation["roc"].absent()) {
    auc = missing("not recorded");
  } else {
    auc = missing("undefined: " + evaluation["roc_missing"].text().value_or("no reason recorded"));
  }
  const Field error = evaluation["error_rate"];
  std::string error_text = missing(error.missing_reason());
  if (error.present()) {
    error_text = percent_cell(error["observed_error_rate"]) + " (" + count_cell(error["errors"]) +
                 "/" + count_cell(error["cases"]) + "); upper bound " +
                 percent_cell(error["upper_bound"]);
  }
  const Field bias = evaluation["sex_bias"];
  std::string bias_text = missing(bias["difference"].missing_reason());
  if (const auto difference = bias["difference"].number()) {
    bias_text = percentage_points(*difference);
    const auto lower = bias["interval_95"]["lower"].number();
    const auto upper = bias["interval_95"]["upper"].number();
    bias_text += lower && upper
                     ? " [" + percentage_points(*lower) + ", " + percentage_points(*upper) + "]"
                     : " [interval undefined]";
  }
  return {percent_cell(evaluation["balanced_accuracy"]),
          ratio_cell(figures["specificity"]),
          auc,
          error_text,
          bias_text,
          undetermined_cell(model["calibration"]["undetermined"])};
}

std::vector<std::string> extended_notes(const std::vector<Field>& evaluations) {
  if (evaluations.empty()) return {};
  // The methods are the same for every model; take them from one that has an ROC.
  Field evaluation = evaluations.front();
  for (const Field& candidate : evaluations) {
    if (candidate["roc"].present()) {
      evaluation = candidate;
      break;
    }
  }
  const Field bias = evaluation["sex_bias"];
  const std::string negative =
      evaluation["positive_class_figures"]["negative_class"].text().value_or("negative");
  return {
      "Balanced accuracy: mean of the two classes' recalls. Specificity: share of true " +
          negative + " cases called " + negative + ".",
      "AUC: " + evaluation["roc"]["auc_method"].text().value_or("method not recorded") +
          ". Interval: " + method_of(evaluation["auc_interval"]) + ".",
      "Error rate: wrong cases / all cases. Upper bound: with 95% confidence the true error "
      "rate is at most this; method: " +
          evaluation["error_rate"]["method"].text().value_or("not recorded") + ".",
      "Sex bias: " + bias["definition"].text().value_or("definition not recorded") + " (" +
          bias["meaning"].text().value_or("") + "). Interval: " + method_of(bias["interval_95"]) +
          ".",
      "Undetermined: share of validation cases left undetermined by the confidence threshold "
      "chosen on the validation split; chosen and measured on the same cases, so optimistic.",
      "Decisions (the prediction CSVs' decision column and predict_app, one policy): a case is "
      "decided when max(p, 1 - p) reaches the validated threshold, else undetermined; where the "
      "target was not reached there is no validated threshold and every case is undetermined "
      "unless the examiner sets one (predict_app --threshold).",
  };
}

std::vector<Align> numeric_alignment(std::size_t text_columns, std::size_t columns) {
  std::vector<Align> align(columns, Align::right);
  for (std::size_t c = 0; c < text_columns && c < columns; ++c) align[c] = Align::left;
  return align;
}

}  // namespace engine::report
