// The run report: report.md (GitHub-flavoured markdown, figures as plots/*.svg) and
// report.html (one self-contained file: inline CSS and SVG, no scripts, nothing fetched),
// written from results.json alone (apps/report/RESULTS_FORMAT.md) so it can be regenerated
// offline with `make_report <run folder>`.
//
// Content, in order: what was run (and a SYNTHETIC DATA banner when data.synthetic is true),
// how to read the numbers, the data and split, the comparison (the seed study's table, the
// extended figures, provenance, the study's published figures, ROC curves, accuracies with
// intervals), one section per model (provenance, stages, training curves, per-epoch figures,
// confusion matrix, calibration, age bands, misclassified cases), and the folds.
//
// The output is deterministic: the same results.json gives the same bytes (no clock, no
// locale, no unordered containers).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/report/document.h"
#include "util/json.h"

namespace engine::report {

// Builds the report without writing anything. Throws results::ResultsError (results/fields.h)
// naming the field when results.json lacks one the report cannot do without: format_version (1),
// kind, run.command, data.synthetic, models[i].architecture, and in each evaluation present the
// confusion matrix, accuracy and positive-class figures; folds.per_fold when kind is "folds".
Document build_report(const Json& results);

// build_report, then writes <run_folder>/plots/*.svg, report.md and report.html, each
// atomically (a reader never sees half a file). Nothing is written when results.json is
// rejected.
void write_report(const Json& results, const std::filesystem::path& run_folder);

// The files write_report writes for this document, relative to the run folder: plots/*.svg,
// report.md and report.html.
std::vector<std::string> report_files(const Document& document);

// Whether an existing file is one the report writer wrote: report.md ends with the sentence
// naming report_generator(), report.html's <meta name="generator"> names it, and a plot is an
// SVG whose first line is the one SvgDocument writes.
bool is_report_file(const std::filesystem::path& file);

// "the report writer of engine <git describe>": recorded in the HTML's generator and at the
// end of both files, so a report names the code that wrote it.
std::string report_generator();

}  // namespace engine::report
