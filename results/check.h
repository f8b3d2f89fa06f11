// The fields of results.json the report cannot do without (apps/report/RESULTS_FORMAT.md).
// Everything else is optional: a missing value is shown as "— (not recorded)". These are checked
// before anything is written so a broken file gives one clear error naming the field, not a
// half-written report. The format version and the kinds are those the writer writes
// (results/training_results.h).
#pragma once

#include "results/fields.h"

namespace engine::results {

// Throws ResultsError naming the first field the report cannot do without: format_version (1),
// kind, run.command, data.synthetic, models[i].architecture, each evaluation's confusion matrix,
// accuracy and positive-class figures, and folds.per_fold's entries when present.
void check_results(const Field& results);
void check_evaluation(const Field& evaluation);

}  // namespace engine::results
