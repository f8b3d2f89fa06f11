#include "metrics/confusion.h"

#include <string>

#include "metrics/error.h"

namespace engine::metrics {

std::int64_t ConfusionMatrix::count(int true_class, int predicted_class) const {
  check_class_index(true_class, "ConfusionMatrix::count");
  check_class_index(predicted_class, "ConfusionMatrix::count");
  return counts[true_class][predicted_class];
}

std::int64_t ConfusionMatrix::total() const {
  return counts[0][0] + counts[0][1] + counts[1][0] + counts[1][1];
}

std::int64_t ConfusionMatrix::correct() const { return counts[0][0] + counts[1][1]; }

std::int64_t ConfusionMatrix::true_count(int class_index) const {
  check_class_index(class_index, "ConfusionMatrix::true_count");
  return counts[class_index][0] + counts[class_index][1];
}

std::int64_t ConfusionMatrix::predicted_count(int class_index) const {
  check_class_index(class_index, "ConfusionMatrix::predicted_count");
  return counts[0][class_index] + counts[1][class_index];
}

ConfusionMatrix confusion_matrix(const std::vector<int>& labels,
                                 const std::vector<int>& predictions, const ClassNames& names) {
  if (labels.size() != predictions.size()) {
    throw MetricsError("metrics: confusion_matrix: " + std::to_string(labels.size()) +
                       " labels but " + std::to_string(predictions.size()) + " predictions");
  }
  check_labels(labels, "confusion_matrix (labels)");
  check_labels(predictions, "confusion_matrix (predictions)");
  ConfusionMatrix matrix;
  matrix.names = names;
  for (std::size_t i = 0; i < labels.size(); ++i) ++matrix.counts[labels[i]][predictions[i]];
  return matrix;
}

ConfusionMatrix confusion_matrix_at_threshold(const std::vector<int>& labels,
                                              const std::vector<double>& probabilities_class1,
                                              double threshold, const ClassNames& names) {
  check_sample(labels, probabilities_class1, "confusion_matrix_at_threshold", true);
  return confusion_matrix(labels, predicted_classes(probabilities_class1, threshold), names);
}

Ratio accuracy(const ConfusionMatrix& matrix) { return {matrix.correct(), matrix.total()}; }

Ratio recall_of(const ConfusionMatrix& matrix, int class_index) {
  return {matrix.count(class_index, class_index), matrix.true_count(class_index)};
}

Ratio precision_of(const ConfusionMatrix& matrix, int class_index) {
  return {matrix.count(class_index, class_index), matrix.predicted_count(class_index)};
}

Ratio f1_of(const ConfusionMatrix& matrix, int class_index) {
  const std::int64_t true_positives = matrix.count(class_index, class_index);
  const std::int64_t false_positives = matrix.predicted_count(class_index) - true_positives;
  const std::int64_t false_negatives = matrix.true_count(class_index) - true_positives;
  return {2 * true_positives, 2 * true_positives + false_positives + false_negatives};
}

double balanced_accuracy(const ConfusionMatrix& matrix) {
  return (recall_of(matrix, 0).value() + recall_of(matrix, 1).value()) / 2.0;
}

ClassFigures class_figures(const ConfusionMatrix& matrix, int class_index) {
  ClassFigures figures;
  figures.class_index = class_index;
  figures.name = matrix.names.of(class_index);
  figures.support = matrix.true_count(class_index);
  figures.precision = precision_of(matrix, class_index);
  figures.recall = recall_of(matrix, class_index);
  figures.f1 = f1_of(matrix, class_index);
  return figures;
}

MacroAverages macro_averages(const ConfusionMatrix& matrix) {
  MacroAverages averages;
  averages.precision = (precision_of(matrix, 0).value() + precision_of(matrix, 1).value()) / 2.0;
  averages.recall = (recall_of(matrix, 0).value() + recall_of(matrix, 1).value()) / 2.0;
  averages.f1 = (f1_of(matrix, 0).value() + f1_of(matrix, 1).value()) / 2.0;
  return averages;
}

PositiveClassFigures positive_class_figures(const ConfusionMatrix& matrix, int positive_class) {
  check_class_index(positive_class, "positive_class_figures");
  const int negative_class = 1 - positive_class;
  PositiveClassFigures figures;
  figures.positive_class = positive_class;
  figures.positive_name = matrix.names.of(positive_class);
  figures.negative_name = matrix.names.of(negative_class);
  figures.true_positives = matrix.count(positive_class, positive_class);
  figures.false_positives = matrix.count(negative_class, positive_class);
  figures.true_negatives = matrix.count(negative_class, negative_class);
  figures.false_negatives = matrix.count(positive_class, negative_class);
  figures.accuracy = accuracy(matrix);
  figures.balanced_accuracy = balanced_accuracy(matrix);
  figures.precision = precision_of(matrix, positive_class);
  figures.recall = recall_of(matrix, positive_class);
  figures.specificity = recall_of(matrix, negative_class);
  figures.negative_predictive_value = precision_of(matrix, negative_class);
  figures.f1 = f1_of(matrix, positive_class);
  return figures;
}

Json to_json(const ConfusionMatrix& matrix) {
  Json json = Json::object();
  json.set("layout", "rows: true class, columns: predicted class");
  json.set("classes", Json(Json::Array{Json(matrix.names.class0), Json(matrix.names.class1)}));
  Json rows = Json::array();
  for (int true_class = 0; true_class < 2; ++true_class) {
    Json row = Json::object();
    row.set("true", matrix.names.of(true_class));
    for (int predicted = 0; predicted < 2; ++predicted) {
      row.set("predicted " + matrix.names.of(predicted), matrix.counts[true_class][predicted]);
    }
    rows.push_back(std::move(row));
  }
  json.set("counts", std::move(rows));
  json.set("total", matrix.total());
  return json;
}

Json to_json(const ClassFigures& figures) {
  Json json = Json::object();
  json.set("class", figures.name);
  json.set("support", figures.support);
  json.set("precision", to_json(figures.precision));
  json.set("recall", to_json(figures.recall));
  json.set("f1", to_json(figures.f1));
  return json;
}

Json to_json(const MacroAverages& averages) {
  Json json = Json::object();
  json.set("precision", number_or_null(averages.precision));
  json.set("recall", number_or_null(averages.recall));
  json.set("f1", number_or_null(averages.f1));
  json.set("definition", "unweighted mean over the two classes; null when either is undefined");
  return json;
}

Json to_json(const PositiveClassFigures& figures) {
  Json json = Json::object();
  json.set("positive_class", figures.positive_name);
  json.set("negative_class", figures.negative_name);
  json.set("true_positives", figures.true_positives);
  json.set("false_positives", figures.false_positives);
  json.set("true_negatives", figures.true_negatives);
  json.set("false_negatives", figures.false_negatives);
  json.set("accuracy", to_json(figures.accuracy));
  json.set("balanced_accuracy", number_or_null(figures.balanced_accuracy));
  json.set("precision", to_json(figures.precision));
  json.set("recall_sensitivity", to_json(figures.recall));
  json.set("specificity", to_json(figures.specificity));
  json.set("negative_predictive_value", to_json(figures.negative_predictive_value));
  json.set("f1", to_json(figures.f1));
  return json;
}

}  // namespace engine::metrics
