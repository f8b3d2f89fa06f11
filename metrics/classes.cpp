#include "metrics/classes.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "metrics/error.h"

namespace engine::metrics {

namespace {

std::string prefix(std::string_view where) { return "metrics: " + std::string(where) + ": "; }

// All 17 significant digits, so that a value just outside [0, 1] is shown as such.
std::string exact_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

const std::string& ClassNames::of(int class_index) const {
  check_class_index(class_index, "ClassNames::of");
  return class_index == 0 ? class0 : class1;
}

int predicted_class(double probability_class1, double threshold) {
  return probability_class1 >= threshold ? 1 : 0;
}

std::vector<int> predicted_classes(const std::vector<double>& probabilities_class1,
                                   double threshold) {
  check_probabilities(probabilities_class1, "predicted_classes");
  check_threshold(threshold, "predicted_classes");
  std::vector<int> predictions(probabilities_class1.size());
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    predictions[i] = predicted_class(probabilities_class1[i], threshold);
  }
  return predictions;
}

double confidence_of(double probability_class1) {
  return predicted_class(probability_class1) == 1 ? probability_class1 : 1.0 - probability_class1;
}

void check_class_index(int class_index, std::string_view where) {
  if (class_index != 0 && class_index != 1) {
    throw MetricsError(prefix(where) + "class index " + std::to_string(class_index) +
                       " is not 0 or 1");
  }
}

void check_labels(const std::vector<int>& labels, std::string_view where) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      throw MetricsError(prefix(where) + "labels[" + std::to_string(i) + "] is " +
                         std::to_string(labels[i]) + "; a label must be 0 or 1");
    }
  }
}

void check_probabilities(const std::vector<double>& probabilities_class1, std::string_view where) {
  for (std::size_t i = 0; i < probabilities_class1.size(); ++i) {
    const double p = probabilities_class1[i];
    // Written so that NaN fails too.
    if (!(p >= 0.0 && p <= 1.0)) {
      throw MetricsError(prefix(where) + "probabilities[" + std::to_string(i) + "] is " +
                         exact_text(p) + "; a probability must be in [0, 1]");
    }
  }
}

void check_threshold(double threshold, std::string_view where) {
  if (!(threshold >= 0.0 && threshold <= 1.0)) {
    throw MetricsError(prefix(where) + "threshold " + exact_text(threshold) + " is not in [0, 1]");
  }
}

void check_sample(const std::vector<int>& labels, const std::vector<double>& probabilities_class1,
                  std::string_view where, bool allow_empty) {
  if (probabilities_class1.size() != labels.size()) {
    throw MetricsError(prefix(where) + std::to_string(probabilities_class1.size()) +
                       " probabilities but " + std::to_string(labels.size()) + " labels");
  }
  if (!allow_empty && labels.empty()) throw MetricsError(prefix(where) + "the sample is empty");
  check_probabilities(probabilities_class1, where);
  check_labels(labels, where);
}

}  // namespace engine::metrics
