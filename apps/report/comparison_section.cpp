// The models side by side: the seed study's table (accuracy, precision, recall, F1) and the
// extended figures for each split, where the numbers came from (data, initial weights), the
// study's published figures for reference, the ROC curves and the accuracies with intervals.
#include "apps/report/cells.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"
#include "apps/report/tables.h"

namespace engine::report {

namespace {

// The split the ROC plot and the interval chart show: test when any model has one.
std::string_view plotted_split(const Field& results) {
  for (const Field& model : results["models"].items()) {
    if (model["test"].present()) return "test";
  }
  return "validation";
}

void add_split_tables(Document& document, const Field& results, std::string_view split) {
  std::vector<Field> evaluations;
  std::vector<std::string> names;
  std::vector<Field> models;
  for (const Field& model : results["models"].items()) {
    const Field evaluation = model[std::string(split)];
    if (!evaluation.present()) continue;
    evaluations.push_back(evaluation);
    names.push_back(model_name(model));
    models.push_back(model);
  }
  if (evaluations.empty()) return;
  // Fold models are evaluated on different held-out parts: one count would be wrong for some.
  bool same_cases = true;
  for (const Field& evaluation : evaluations) {
    same_cases = same_cases && case_count(evaluation) == case_count(evaluations.front());
  }
  const std::string where = same_cases ? split_description(results, evaluations.front(), split)
                                       : "the " + std::string(split) + " parts of " +
                                             text_cell(results["data"]["source"]) +
                                             " (cases of each model in the Cases column)";
  const std::string positive = positive_class(evaluations.front());

  Table headline;
  headline.caption = "Accuracy, precision, recall and F1 (the seed study's table) on " + where +
                     ", positive class: " + positive;
  headline.header = {"Model"};
  for (std::string& column : headline_header()) headline.header.push_back(std::move(column));
  headline.align = numeric_alignment(1, headline.header.size());
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    std::vector<std::string> row = {names[i]};
    for (std::string& cell : headline_cells(evaluations[i])) row.push_back(std::move(cell));
    headline.rows.push_back(std::move(row));
  }
  headline.notes = headline_notes(evaluations, names);
  if (split == "validation") {
    headline.notes.push_back("Validation cases chose each model's best epoch: optimistic.");
  }
  document.add(std::move(headline));

  Table extended;
  extended.caption = "Extended figures on " + where + ", positive class: " + positive;
  extended.header = {"Model"};
  for (std::string& column : extended_header()) extended.header.push_back(std::move(column));
  extended.align = numeric_alignment(1, extended.header.size());
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    std::vector<std::string> row = {names[i]};
    for (std::string& cell : extended_cells(evaluations[i], models[i])) {
      row.push_back(std::move(cell));
    }
    extended.rows.push_back(std::move(row));
  }
  extended.notes = extended_notes(evaluations);
  document.add(std::move(extended));
}

void add_published_figures(Document& document) {
  Table table;
  table.caption = "The seed study's published figures (" + std::string(seed_study_citation) +
                  "), for reference only";
  table.header = {"Model", "Accuracy", "Precision", "Recall", "F1"};
  table.align = numeric_alignment(1, 5);
  table.rows = {{seed_study.model, percent(seed_study.accuracy), percent(seed_study.precision),
                 percent(seed_study.recall), percent(seed_study.f1)}};
  table.notes = {
      "The study's own figures for its best model on its adult dataset, as published; this "
      "engine did not produce them. They are not comparable one-to-one with figures measured "
      "on children's radiographs or on synthetic phantoms (other images, ages, split and "
      "preprocessing; the study's definition of its positive class applies)."};
  document.add(std::move(table));
}

void add_provenance(Document& document, const Field& results) {
  Table table;
  table.caption = "Where each model's numbers come from";
  table.header = {"Model", "Initial weights", "Training stages (data)", "Best epoch", "Checkpoint"};
  for (const Field& model : results["models"].items()) {
    std::string stages;
    for (const Field& stage : model["stages"].items()) {
      if (!stages.empty()) stages += "; ";
      stages += text_cell(stage["name"]) + ": " + text_cell(stage["data"]);
    }
    if (stages.empty()) stages = missing(model["stages"].missing_reason());
    table.rows.push_back({model_name(model), text_cell(model["initial_weights"]), stages,
                          count_cell(model["best_epoch"]), text_cell(model["checkpoint"])});
  }
  document.add(std::move(table));
}

void add_roc_figure(Document& document, const Field& results, std::string_view split) {
  RocChart chart;
  chart.title = "ROC curves, " + std::string(split) + " split";
  chart.notice = chart_notice(results);
  for (const Field& model : results["models"].items()) {
    const Field evaluation = model[std::string(split)];
    RocSeries series;
    series.legend = model_name(model);
    if (!evaluation.present()) {
      series.legend += ": no " + std::string(split) + " evaluation";
    } else if (!evaluation["roc"].present()) {
      series.legend +=
          ": no ROC (" + evaluation["roc_missing"].text().value_or("not recorded") + ")";
    } else {
      if (chart.positive_class.empty()) {
        chart.positive_class = positive_class(evaluation);
        chart.negative_class =
            evaluation["positive_class_figures"]["negative_class"].text().value_or("negative");
      }
      series.legend +=
          " (AUC " + decimal_with_interval(evaluation["auc"], evaluation["auc_interval"]) + ")";
      for (const Field& point : evaluation["roc"]["points"].items()) {
        series.points.push_back({point["false_positive_rate"].require_number(),
                                 point["true_positive_rate"].require_number()});
      }
    }
    chart.curves.push_back(std::move(series));
  }
  if (chart.positive_class.empty()) return;  // no model has a curve to draw
  document.add(Figure{"plots/roc.svg", roc_chart_svg(chart),
                      "ROC curves of all models on the " + std::string(split) +
                          " split (positive class " + chart.positive_class +
                          "; AUC with its 95% bootstrap interval in the legend)"});
}

void add_accuracy_figure(Document& document, const Field& results, std::string_view split) {
  IntervalChart chart;
  chart.title = "Accuracy with 95% interval, " + std::string(split) + " split";
  chart.notice = chart_notice(results);
  chart.x_title = "Accuracy (% of cases correct), Wilson 95% interval";
  for (const Field& model : results["models"].items()) {
    const Field accuracy = model[std::string(split)]["accuracy"];
    chart.rows.push_back({model_name(model), accuracy["value"].number(),
                          accuracy["interval_95"]["lower"].number(),
                          accuracy["interval_95"]["upper"].number()});
  }
  chart.reference = VerticalMark{
      seed_study.accuracy, "seed study ResNet-50, adult data: " + percent(seed_study.accuracy)};
  document.add(Figure{"plots/accuracy.svg", interval_chart_svg(chart),
                      "Accuracy of each model on the " + std::string(split) +
                          " split with its Wilson 95% interval; the dashed line is the seed "
                          "study's published ResNet-50 accuracy on its adult dataset, not "
                          "comparable one-to-one"});
}

}  // namespace

void add_comparison(Document& document, const Field& results) {
  if (results["models"].size() == 0) return;
  const std::string kind = results["kind"].text().value_or("");
  document.heading(2, kind == "compare" ? "Comparison of models" : "Results");
  add_split_tables(document, results, "test");
  add_pairwise(document, results);
  add_split_tables(document, results, "validation");
  add_provenance(document, results);
  add_published_figures(document);
  const std::string_view split = plotted_split(results);
  add_roc_figure(document, results, split);
  add_accuracy_figure(document, results, split);
}

}  // namespace engine::report
