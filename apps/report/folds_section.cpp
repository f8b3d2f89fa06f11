// k-fold cross-validation: the figures of every fold's held-out part and, per architecture,
// the mean and standard deviation of each metric as results.json records them.
#include "apps/report/cells.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"
#include "apps/report/tables.h"

namespace engine::report {

namespace {

// Proportions are percentages and their spread is in percentage points; scores that are not
// proportions of cases (AUC, Brier, losses, temperature) stay decimals.
bool is_score(const std::string& metric) {
  for (const char* word : {"auc", "brier", "loss", "temperature"}) {
    if (metric.find(word) != std::string::npos) return true;
  }
  return false;
}

// "balanced_accuracy" -> "balanced accuracy", "auc" -> "AUC", "f1" -> "F1".
std::string metric_label(const std::string& metric) {
  if (metric == "auc") return "AUC";
  if (metric == "f1") return "F1";
  std::string label = metric;
  for (char& character : label) {
    if (character == '_') character = ' ';
  }
  return label;
}

std::string mean_and_spread(const std::string& metric, const Field& summary) {
  const auto mean = summary["mean"].number();
  const auto spread = summary["sd"].number();
  const bool score = is_score(metric);
  std::string text =
      mean ? (score ? decimal(*mean) : percent(*mean)) : missing(summary["mean"].missing_reason());
  text += " \xC2\xB1 ";  // ±
  if (!spread) return text + missing(summary["sd"].missing_reason());
  return text + (score ? decimal(*spread) : fixed(100 * *spread, 1) + " pp");
}

struct FoldRow {
  std::string fold;
  std::string architecture;
  Field evaluation;
};

// From folds.per_fold when recorded, else from the models trained on a partition (train_app
// records each fold's model with "partition": "fold k" and the fold's held-out cases as test).
std::vector<FoldRow> fold_rows(const Field& results) {
  std::vector<FoldRow> rows;
  const Field per_fold = results["folds"]["per_fold"];
  if (per_fold.present()) {
    for (const Field& fold : per_fold.items()) {
      rows.push_back({count_cell(fold["fold"]), text_cell(fold["architecture"]), fold["test"]});
    }
    return rows;
  }
  for (const Field& model : results["models"].items()) {
    if (!model["partition"].present() || !model["test"].present()) continue;
    rows.push_back(
        {text_cell(model["partition"]), text_cell(model["architecture"]), model["test"]});
  }
  return rows;
}

}  // namespace

void add_folds(Document& document, const Field& results) {
  const Field folds = results["folds"];
  if (!folds.present()) return;
  const std::string count_text = count_cell(folds["count"]);
  document.heading(2, "Cross-validation (" + count_text + " folds)");
  const std::vector<FoldRow> rows = fold_rows(results);
  std::vector<Field> evaluations;
  std::vector<std::string> names;
  Table table;
  table.caption =
      "Each fold's held-out cases (the fold's test part) of " +
      text_cell(results["data"]["source"]) + ", positive class: " +
      (rows.empty() ? missing("not recorded") : positive_class(rows.front().evaluation));
  table.header = {"Fold", "Model"};
  for (std::string& column : headline_header()) table.header.push_back(std::move(column));
  table.header.push_back("AUC [95% CI]");
  table.align = numeric_alignment(2, table.header.size());
  for (const FoldRow& fold : rows) {
    std::vector<std::string> row = {fold.fold, fold.architecture};
    for (std::string& cell : headline_cells(fold.evaluation)) row.push_back(std::move(cell));
    row.push_back(decimal_with_interval(fold.evaluation["auc"], fold.evaluation["auc_interval"]));
    table.rows.push_back(std::move(row));
    evaluations.push_back(fold.evaluation);
    names.push_back(fold.architecture + ", " + fold.fold);
  }
  table.notes = headline_notes(evaluations, names);
  document.add(std::move(table));

  for (const auto& [architecture, metrics] : folds["summary"].members()) {
    Table summary;
    summary.caption = architecture + ": mean \xC2\xB1 standard deviation over the " + count_text +
                      " folds' held-out cases";
    summary.header = {"Metric", "Mean \xC2\xB1 SD", "Folds"};
    summary.align = {Align::left, Align::right, Align::right};
    for (const auto& [metric, values] : metrics.members()) {
      summary.rows.push_back(
          {metric_label(metric), mean_and_spread(metric, values), count_cell(values["folds"])});
    }
    summary.notes = {
        "SD: sample standard deviation across folds (n - 1 in the denominator), as "
        "recorded in results.json (folds.summary); the spread of a percentage is in "
        "percentage points (pp). A mean or SD recorded as null is shown as undefined."};
    document.add(std::move(summary));
  }
}

}  // namespace engine::report
