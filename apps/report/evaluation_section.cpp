// One model's evaluation on the split it is judged on (test, else validation): the confusion
// matrix, figures per class, calibration (temperature, reliability, ECE, Brier, undetermined
// band), figures per age band, and the misclassified cases.
#include "apps/report/cells.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"
#include "apps/report/tables.h"

namespace engine::report {

namespace {

std::array<std::string, 2> class_names(const Field& evaluation) {
  const Field classes = evaluation["confusion_matrix"]["classes"];
  return {classes[0].text().value_or("class 0"), classes[1].text().value_or("class 1")};
}

void add_confusion(Document& document, const Field& evaluation, const std::string& where,
                   const std::string& name, std::size_t index, const std::string& notice) {
  const auto classes = class_names(evaluation);
  const Field rows = evaluation["confusion_matrix"]["counts"];
  ConfusionChart chart;
  chart.title = name + ": confusion matrix";
  chart.notice = notice;
  chart.classes = classes;
  Table table;
  table.caption = "Confusion matrix on " + where + "; rows: true class, columns: predicted class";
  table.header = {"True class", "Predicted " + classes[0], "Predicted " + classes[1], "Total"};
  table.align = numeric_alignment(1, 4);
  for (std::size_t row = 0; row < 2; ++row) {
    std::int64_t total = 0;
    std::vector<std::string> cells = {classes[row]};
    for (std::size_t column = 0; column < 2; ++column) {
      const Field cell = rows[row]["predicted " + classes[column]];
      const std::int64_t value = cell.require_integer();
      chart.counts[row][column] = value;
      total += value;
      cells.push_back(count(value));
    }
    cells.push_back(count(total));
    table.rows.push_back(std::move(cells));
  }
  document.add(Figure{plot_file(index, name, "confusion"), confusion_chart_svg(chart),
                      name + ": confusion matrix on " + where});
  document.add(std::move(table));

  Table per_class;
  per_class.caption = "Figures per class on " + where + "; each class taken as positive in turn";
  per_class.header = {"Class", "Cases", "Precision", "Recall", "F1"};
  per_class.align = numeric_alignment(1, 5);
  for (const Field& figures : evaluation["per_class"].items()) {
    per_class.rows.push_back({text_cell(figures["class"]), count_cell(figures["support"]),
                              ratio_cell(figures["precision"]), ratio_cell(figures["recall"]),
                              ratio_cell(figures["f1"])});
  }
  if (!per_class.rows.empty()) document.add(std::move(per_class));
}

void add_calibration(Document& document, const Field& model, const Field& evaluation,
                     const std::string& where, const std::string& name, std::size_t index,
                     const std::string& notice) {
  document.heading(3, "Calibration");
  const Field calibration = model["calibration"];
  std::string temperature;
  if (calibration.present() && !calibration["fitted"].flag().value_or(false)) {
    temperature = missing("not fitted: " + text_cell(calibration["reason"]));
  } else if (calibration["temperature"].present()) {
    temperature = decimal_cell(calibration["temperature"]) +
                  " (fitted on the validation split; probabilities = softmax(logits / T))";
  } else {
    temperature = missing(calibration["temperature"].missing_reason());
  }
  document.paragraph(temperature, "Temperature T");

  const Field reliability = evaluation["calibration"];
  ReliabilityChart chart;
  chart.title = name + ": reliability diagram";
  chart.notice = notice;
  for (const Field& bin : reliability["bins"].items()) {
    chart.bins.push_back({bin["lower"].require_number(), bin["upper"].require_number(),
                          bin["count"].require_integer(), bin["accuracy"].number()});
  }
  if (!chart.bins.empty()) {
    document.add(Figure{plot_file(index, name, "reliability"), reliability_chart_svg(chart),
                        name + ": reliability diagram on " + where + "; " +
                            count(static_cast<std::int64_t>(chart.bins.size())) +
                            " equal-width confidence bins"});
  }
  document.paragraph(percent_cell(reliability["expected_calibration_error"]) + " on " + where +
                         " (mean gap between confidence and accuracy, weighted by bin size)",
                     "Expected calibration error (ECE)");
  document.paragraph(decimal_cell(evaluation["brier_score"]) + " on " + where + " (" +
                         evaluation["brier_definition"].text().value_or("definition not recorded") +
                         ")",
                     "Brier score");

  const Field band = calibration["undetermined"];
  Table table;
  table.caption = "Undetermined band, fitted on the validation split";
  table.header = {"Target accuracy", "Reached", "Confidence threshold", "Decided accuracy [95% CI]",
                  "Undetermined cases"};
  table.align = numeric_alignment(0, 5);
  if (band.present()) {
    table.rows.push_back({percent_cell(band["target_accuracy"]),
                          band["reached"].flag().value_or(false) ? "yes" : "no",
                          percent_cell(band["confidence_threshold"]),
                          percent_with_interval(band["decided_accuracy"]["value"],
                                                band["decided_accuracy_interval_95"]),
                          ratio_cell(band["undetermined_fraction"])});
    table.notes = {band["rule"].text().value_or("rule not recorded"),
                   band["caution"].text().value_or("")};
    if (!band["reached"].flag().value_or(false)) {
      table.notes.push_back(
          "Target not reached: there is no validated threshold, so every case is undetermined "
          "(the prediction CSVs' decision column and predict_app) unless the examiner sets one "
          "(predict_app --threshold).");
    }
  } else {
    table.notes = {"Undetermined band: " + missing(band.missing_reason())};
  }
  document.add(std::move(table));
}

void add_age_bands(Document& document, const Field& evaluation, const std::string& where) {
  const Field report = evaluation["age_bands"];
  if (!report.present()) return;
  const auto classes = class_names(evaluation);
  Table table;
  table.caption = "Figures per age band on " + where;
  table.header = {"Age band",           "Cases",
                  "True " + classes[0], "True " + classes[1],
                  "Accuracy [95% CI]",  "Balanced accuracy"};
  table.align = numeric_alignment(1, 6);
  for (const Field& band : report["bands"].items()) {
    table.rows.push_back(
        {text_cell(band["band"]), count_cell(band["cases"]),
         count_cell(band[classes[0] + "_cases"]), count_cell(band[classes[1] + "_cases"]),
         percent_with_interval(band["accuracy"]["value"], band["accuracy_interval_95"]),
         percent_cell(band["balanced_accuracy"])});
  }
  table.notes = {report["band_rule"].text().value_or("band rule not recorded"),
                 "Cases without an age: " + count_cell(report["cases_without_age"]) +
                     "; outside every band: " + count_cell(report["cases_outside_bands"]) + "."};
  document.add(std::move(table));
}

}  // namespace

void add_model_evaluation(Document& document, const Field& results, const Field& model,
                          std::size_t index) {
  const std::string split(shown_split(model));
  const Field evaluation = model[split];
  const std::string name = model_name(model);
  document.heading(3, "Evaluation on the " + split + " split");
  if (!evaluation.present()) {
    document.paragraph(missing(evaluation.missing_reason()), "Evaluation");
    return;
  }
  const std::string where = split_description(results, evaluation, split);
  document.paragraph(text_cell(evaluation["description"]), "Cases evaluated");
  add_confusion(document, evaluation, where, name, index, chart_notice(results));
  add_age_bands(document, evaluation, where);

  const auto cases = case_count(evaluation);
  const auto errors = evaluation["error_rate"]["errors"].integer();
  std::string misclassified = errors ? count(*errors) : missing("not recorded");
  misclassified += " of " + (cases ? count(*cases) : missing("not recorded")) + " cases";
  if (evaluation["misclassified_ids"].size() > 0) {
    misclassified += "; their ids are listed in results.json (" +
                     evaluation["misclassified_ids"].path() +
                     ") and in the per-image predictions file";
  } else if (errors.value_or(0) > 0) {
    misclassified += "; no case ids recorded";
  }
  document.paragraph(misclassified, "Misclassified cases");
  add_calibration(document, model, evaluation, where, name, index, chart_notice(results));
}

}  // namespace engine::report
