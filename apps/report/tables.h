// Rows shared by the comparison, the per-model sections and the folds: the seed study's four
// figures with their intervals, and the extended figures an auditor asks for next. The notes
// under each table quote the method strings recorded in results.json, so the report names the
// method that produced each interval instead of restating it from memory.
#pragma once

#include <string>
#include <vector>

#include "apps/report/document.h"
#include "results/fields.h"

namespace engine::report {

using results::Field;  // results.json's values with their paths (results/fields.h)

// Columns: cases, accuracy [CI], precision (counts), recall [CI], F1 [CI].
std::vector<std::string> headline_header();
std::vector<std::string> headline_cells(const Field& evaluation);
// Notes for a table of headline cells over these evaluations (methods, seeds).
std::vector<std::string> headline_notes(const std::vector<Field>& evaluations,
                                        const std::vector<std::string>& names);

// Columns: balanced accuracy, specificity, AUC [CI], error rate and its upper bound, sex bias
// [CI]. With a model, also the undetermined fraction from its calibration (validation).
std::vector<std::string> extended_header();
std::vector<std::string> extended_cells(const Field& evaluation, const Field& model);
std::vector<std::string> extended_notes(const std::vector<Field>& evaluations);

// "12.2% (11/90) at confidence >= 81.3% (target 95.0%)", or why there is none.
std::string undetermined_cell(const Field& band);

// Right-aligned numbers after `text_columns` left-aligned columns.
std::vector<Align> numeric_alignment(std::size_t text_columns, std::size_t columns);

}  // namespace engine::report
