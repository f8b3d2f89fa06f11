// The 2x2 confusion matrix and the figures read from it.
//
// Every ratio is a Ratio (numerator and denominator kept; undefined, never 0/0, when the
// denominator is 0). Definitions, with TP, FP, TN, FN counted for the named positive class:
//   accuracy            (TP + TN) / n
//   precision (PPV)     TP / (TP + FP)
//   recall, sensitivity TP / (TP + FN)
//   specificity         TN / (TN + FP)       (= recall of the other class)
//   NPV                 TN / (TN + FN)       (= precision of the other class)
//   F1                  2 TP / (2 TP + FP + FN)
// F1 is the harmonic mean 2PR / (P + R) of precision and recall written in counts; the count
// form is used because it is exact and is defined whenever TP + FP + FN > 0 (it is 0, not
// undefined, when nothing is predicted positive but positives exist).
//   balanced accuracy   (recall of class 0 + recall of class 1) / 2; undefined (NaN) when a
//                       class has no cases.
//   macro averages      unweighted mean over the two classes of precision, recall and F1;
//                       undefined (NaN) when either class's value is undefined.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/classes.h"
#include "metrics/ratio.h"
#include "util/json.h"

namespace engine::metrics {

struct ConfusionMatrix {
  ClassNames names;
  // counts[true class][predicted class]
  std::array<std::array<std::int64_t, 2>, 2> counts{};

  std::int64_t count(int true_class, int predicted_class) const;
  std::int64_t total() const;
  std::int64_t correct() const;
  std::int64_t true_count(int class_index) const;       // cases of that class (support)
  std::int64_t predicted_count(int class_index) const;  // cases predicted as that class
};

// From per-case true labels and predicted classes (both 0 or 1, same size; may be empty).
ConfusionMatrix confusion_matrix(const std::vector<int>& labels,
                                 const std::vector<int>& predictions, const ClassNames& names = {});
// From true labels and probabilities of class 1, predicting with predicted_class(p, threshold).
ConfusionMatrix confusion_matrix_at_threshold(const std::vector<int>& labels,
                                              const std::vector<double>& probabilities_class1,
                                              double threshold = default_threshold,
                                              const ClassNames& names = {});

Ratio accuracy(const ConfusionMatrix& matrix);
Ratio recall_of(const ConfusionMatrix& matrix, int class_index);     // correct / cases of class
Ratio precision_of(const ConfusionMatrix& matrix, int class_index);  // correct / predicted class
Ratio f1_of(const ConfusionMatrix& matrix, int class_index);
double balanced_accuracy(const ConfusionMatrix& matrix);

// The figures of one class treated as positive.
struct ClassFigures {
  int class_index = 0;
  std::string name;
  std::int64_t support = 0;  // true cases of this class
  Ratio precision;
  Ratio recall;
  Ratio f1;
};
ClassFigures class_figures(const ConfusionMatrix& matrix, int class_index);

struct MacroAverages {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};
MacroAverages macro_averages(const ConfusionMatrix& matrix);

// Everything for a positive class chosen by the caller.
struct PositiveClassFigures {
  int positive_class = 0;
  std::string positive_name;
  std::string negative_name;
  std::int64_t true_positives = 0;
  std::int64_t false_positives = 0;
  std::int64_t true_negatives = 0;
  std::int64_t false_negatives = 0;
  Ratio accuracy;
  double balanced_accuracy = 0;
  Ratio precision;  // positive predictive value
  Ratio recall;     // sensitivity, true positive rate
  Ratio specificity;
  Ratio negative_predictive_value;
  Ratio f1;
};
PositiveClassFigures positive_class_figures(const ConfusionMatrix& matrix, int positive_class);

Json to_json(const ConfusionMatrix& matrix);
Json to_json(const ClassFigures& figures);
Json to_json(const MacroAverages& averages);
Json to_json(const PositiveClassFigures& figures);

}  // namespace engine::metrics
