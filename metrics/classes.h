// The conventions every metric in this folder shares.
//
// - Two classes, indexed 0 and 1, with names (default "female" for 0 and "male" for 1, the
//   class indices of data/manifest.h). The names are parameters and appear in every output.
// - A model's output for a case is the probability of class 1 (after softmax), in [0, 1].
// - The predicted class at threshold t is 1 when probability_class1 >= t, else 0. At the default
//   t = 0.5 a case with exactly 0.5 is therefore called class 1; this is a convention, stated
//   here once and used everywhere (confusion matrix, calibration, decisions).
// - The positive class of precision, recall, F1, ROC and AUC is always chosen by the caller;
//   no function assumes one.
// - Argument order: the true labels first, then what the model said (predicted classes,
//   probabilities or logit margins), as in scikit-learn's (y_true, y_score).
//
// The check_* functions throw MetricsError naming the function (`where`) and the first
// offending element.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace engine::metrics {

struct ClassNames {
  std::string class0 = "female";
  std::string class1 = "male";

  // The name of class 0 or 1; throws MetricsError for any other index.
  const std::string& of(int class_index) const;
};

inline constexpr double default_threshold = 0.5;

// 1 when probability_class1 >= threshold, else 0.
int predicted_class(double probability_class1, double threshold = default_threshold);
std::vector<int> predicted_classes(const std::vector<double>& probabilities_class1,
                                   double threshold = default_threshold);

// The probability the model gives to the class it predicts at threshold 0.5:
// max(p, 1 - p), with p = 0.5 counted as a class-1 prediction of confidence 0.5.
double confidence_of(double probability_class1);

void check_class_index(int class_index, std::string_view where);
void check_labels(const std::vector<int>& labels, std::string_view where);
void check_probabilities(const std::vector<double>& probabilities_class1, std::string_view where);
void check_threshold(double threshold, std::string_view where);
// Both vectors valid and of the same size; `allow_empty` false also rejects an empty sample.
void check_sample(const std::vector<int>& labels, const std::vector<double>& probabilities_class1,
                  std::string_view where, bool allow_empty = false);

}  // namespace engine::metrics
