// The report's sections, each appending its blocks to the document, and what they share.
// Internal to apps/report; report.h is the public entry point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "apps/report/document.h"
#include "results/fields.h"

namespace engine::report {

using results::Field;  // results.json's values with their paths (results/fields.h)

void add_header(Document& document, const Field& results);
void add_reading_guide(Document& document, const Field& results);
void add_data(Document& document, const Field& results);
void add_comparison(Document& document, const Field& results);
// results.json "comparisons" (a --compare run): every pair's McNemar and DeLong p-values.
void add_pairwise(Document& document, const Field& results);
void add_model(Document& document, const Field& results, std::size_t index);
void add_folds(Document& document, const Field& results);

// "test" when the model has a test evaluation, else "validation"; the evaluation the model's
// own section shows.
std::string_view shown_split(const Field& model);
// Cases in an evaluation (its confusion matrix total), or nullopt when not recorded.
std::optional<std::int64_t> case_count(const Field& evaluation);
// "the test split of <source> (90 cases)".
std::string split_description(const Field& results, const Field& evaluation,
                              std::string_view split);
// The positive class the evaluation's precision, recall, F1 and AUC refer to.
std::string positive_class(const Field& evaluation);
// "plots/model-1-resnet18-loss.svg": numbered, so equal or odd names cannot collide, and
// reduced to [a-z0-9-] so the path is safe in markdown and on every file system.
std::string plot_file(std::size_t model_index, const std::string& name, std::string_view what);
// A model's name for headings and rows: its architecture, with its partition when it has one
// ("resnet18 (fold 2)").
std::string model_name(const Field& model);

// "SYNTHETIC DATA" for a phantom run, else empty: the notice every chart carries.
std::string chart_notice(const Field& results);

// The seed study's published figures (BMC Medical Imaging 25:260, 2025; ResNet-50, best of its
// four models), quoted for reference only.
struct PublishedFigures {
  const char* model;
  double accuracy;
  double precision;
  double recall;
  double f1;
};
inline constexpr PublishedFigures seed_study{"ResNet-50", 0.932, 0.924, 0.933, 0.925};
inline constexpr std::string_view seed_study_citation =
    "BMC Medical Imaging 25:260 (2025), sex estimation from hand radiographs";

}  // namespace engine::report
