#include "results/check.h"

#include "results/training_results.h"

namespace engine::results {

void check_evaluation(const Field& evaluation) {
  evaluation.require_object();
  const Field matrix = evaluation["confusion_matrix"];
  matrix.require_object();
  const Field classes = matrix["classes"];
  classes.require_array();
  if (classes.size() != 2) {
    throw ResultsError("field '" + classes.path() + "' must hold the two class names");
  }
  const Field counts = matrix["counts"];
  counts.require_array();
  for (std::size_t row = 0; row < 2; ++row) {
    for (std::size_t column = 0; column < 2; ++column) {
      counts[row]["predicted " + classes[column].require_text()].require_integer();
    }
  }
  matrix["total"].require_integer();
  const Field accuracy = evaluation["accuracy"];
  accuracy.require_object();
  accuracy["numerator"].require_integer();
  accuracy["denominator"].require_integer();
  const Field figures = evaluation["positive_class_figures"];
  figures.require_object();
  figures["positive_class"].require_text();
  for (const char* ratio : {"precision", "recall_sensitivity", "f1"}) {
    figures[ratio].require_object();
  }
}

void check_results(const Field& results) {
  results.require_object();
  const std::int64_t version = results["format_version"].require_integer();
  if (version != format_version) {
    throw ResultsError("field 'format_version' is " + std::to_string(version) +
                       "; this report writer reads version " + std::to_string(format_version));
  }
  const std::string kind = results["kind"].require_text();
  if (!kind_from_name(kind)) {
    throw ResultsError("field 'kind' is \"" + kind + "\"; expected single, compare or folds");
  }
  results["run"].require_object();
  results["run"]["command"].require_text();
  results["data"].require_object();
  results["data"]["synthetic"].require_flag();
  const Field models = results["models"];
  models.require_array();
  for (const Field& model : models.items()) {
    model.require_object();
    model["architecture"].require_text();
    for (const char* split : {"validation", "test"}) {
      if (model[split].present()) check_evaluation(model[split]);
    }
    if (model["history"].present()) model["history"].require_array();
  }
  if (kind_from_name(kind) == Kind::folds) {
    const Field folds = results["folds"];
    folds.require_object();
    // per_fold is optional: without it the folds are the models with a partition.
    if (folds["per_fold"].present()) folds["per_fold"].require_array();
    for (const Field& fold : folds["per_fold"].items()) {
      fold["fold"].require_integer();
      fold["architecture"].require_text();
      check_evaluation(fold["test"]);
    }
  }
}

}  // namespace engine::results
