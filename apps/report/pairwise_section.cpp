// The pairwise comparison table of a --compare run (results.json "comparisons",
// metrics/pairwise.h): for every pair of models on the same test cases, McNemar's exact test on
// accuracy and DeLong's test on AUC, with Holm's adjustment and the caveats of comparing many
// pairs.
#include "apps/report/cells.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"

namespace engine::report {

namespace {

// A p-value: four significant digits, "< 0.0001" below, or why it is undefined.
std::string p_value_cell(const Field& value) {
  const std::optional<double> p = value.number();
  if (!p) return missing(value.missing_reason());
  if (*p < 1e-4) return "< 0.0001";
  return significant(*p, 4);
}

std::vector<std::string> pair_row(const Field& pair) {
  const Field accuracy = pair["accuracy"];
  const Field auc = pair["auc"];
  const std::string discordant =
      count_cell(accuracy["only_a_correct"]) + " / " + count_cell(accuracy["only_b_correct"]);
  return {text_cell(pair["a"]) + " vs " + text_cell(pair["b"]),
          percent_cell(accuracy["accuracy_a"]["value"]) + " vs " +
              percent_cell(accuracy["accuracy_b"]["value"]),
          discordant,
          p_value_cell(accuracy["p_value"]),
          p_value_cell(accuracy["p_value_holm"]),
          decimal_cell(auc["auc_a"]) + " vs " + decimal_cell(auc["auc_b"]),
          p_value_cell(auc["p_value"]),
          p_value_cell(auc["p_value_holm"])};
}

}  // namespace

void add_pairwise(Document& document, const Field& results) {
  const Field comparisons = results["comparisons"];
  if (!comparisons.present()) return;
  Table table;
  table.caption =
      "Every pair of models on the same cases: " + text_cell(comparisons["description"]) +
      " (accuracy at p = 0.5 with every case decided; the undetermined band plays "
      "no part)";
  table.header = {"Pair (a vs b)",   "Accuracy a vs b", "Only a / only b right",
                  "McNemar exact p", "Holm-adjusted",   "AUC a vs b",
                  "DeLong p",        "Holm-adjusted"};
  table.align = {Align::left,  Align::right, Align::right, Align::right,
                 Align::right, Align::right, Align::right, Align::right};
  for (const Field& pair : comparisons["pairs"].items()) table.rows.push_back(pair_row(pair));
  const std::string pairs = count(static_cast<std::int64_t>(comparisons["pairs"].size()));
  table.notes = {
      "Multiple comparisons: " + pairs +
          " pairs are tested at once, so some small p-values are expected by chance alone. "
          "Holm's step-down adjustment controls the chance of any false difference, per family "
          "(the McNemar p-values; the DeLong p-values); read the adjusted columns.",
      "Caveats: " + text_cell(comparisons["caveats"]) + "."};
  document.add(std::move(table));
}

}  // namespace engine::report
