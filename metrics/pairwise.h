// Every pair of k models compared on the same test cases, with Holm's adjustment: the table
// that answers "is one network better than another?".
//
// For each pair (i, j), i < j, in the order the models are given:
//   accuracy  McNemar's exact test (metrics/mcnemar.h) on the classes predicted at `threshold`
//             (every case forced into a class; the undetermined band plays no part);
//   AUC       DeLong's test (metrics/delong.h), with the paired bootstrap of the AUC difference
//             (metrics/paired_bootstrap.h) beside it as a cross-check. Every pair's bootstrap
//             uses the same seed, hence the same resamples (common random numbers).
//
// Multiple comparisons. k models give m = k (k - 1) / 2 pairs, and with m tests at level 0.05
// the chance that at least one rejects when no model differs is up to 1 - 0.95^m for
// independent tests (0.26 for the 6 pairs of 4 models, 0.40 for 10 pairs of 5). Holm's (1979)
// step-down adjustment controls that family-wise error rate under any dependence between the tests:
// with the family's p-values sorted, p(1) <= ... <= p(m),
//   adjusted p(i) = min(1, max over j <= i of (m - j + 1) p(j))
// (statsmodels' multipletests(method="holm")); a pair differs at family-wise level alpha when
// its adjusted p-value is <= alpha. Two families, adjusted separately: the m McNemar p-values
// (accuracy) and the m DeLong p-values (AUC); the mid-p values and the bootstrap p-values are
// second readings and are not adjusted. An undefined p-value (DeLong with zero variance) still
// counts in m (it is one of the questions asked), is ranked last and gets an undefined
// adjusted value. Caveats, which the JSON repeats: the families are not adjusted for each
// other; a non-significant difference is not evidence that two models are equivalent (a test
// set of ~135 cases has little power for differences of a few points); and p-values say
// nothing about which model was chosen on the test set: models must be chosen on validation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/bootstrap.h"
#include "metrics/classes.h"
#include "metrics/delong.h"
#include "metrics/mcnemar.h"
#include "metrics/paired_bootstrap.h"
#include "util/json.h"

namespace engine::metrics {

// Holm-adjusted p-values, in the input's order. NaN entries count in the family size, rank
// last and stay NaN. Throws MetricsError for a value outside [0, 1] (NaN aside).
std::vector<double> holm_adjusted(const std::vector<double>& p_values);

struct ModelScores {
  std::string name;
  std::vector<double> probabilities_class1;  // same cases, same order as the labels
};

struct PairwiseInput {
  std::string description;  // the cases, e.g. "test split of rsna-hands/dev"
  std::vector<int> labels;
  std::vector<ModelScores> models;  // at least 2
  ClassNames names;
  int positive_class = -1;  // must be chosen, for the AUC
  double threshold = default_threshold;
  std::optional<std::uint64_t> bootstrap_seed;  // must be chosen
  int bootstrap_replicates = default_bootstrap_replicates;
};

struct PairComparison {
  std::size_t a = 0;  // index into the models
  std::size_t b = 0;
  McNemarTest accuracy;
  double accuracy_p_holm = 0;
  DeLongTest auc;
  double auc_p_holm = 0;  // NaN when DeLong's p is undefined
  PairedAucBootstrap auc_bootstrap;
};

struct PairwiseComparisons {
  std::string description;
  std::vector<std::string> model_names;
  ClassNames names;
  double threshold = 0;
  std::vector<PairComparison> pairs;  // (0, 1), (0, 2), ..., (1, 2), ...
};

// Throws MetricsError for fewer than 2 models, an unchosen positive class or seed, duplicate
// model names, or scores that do not match the labels (naming the model).
PairwiseComparisons compare_pairwise(const PairwiseInput& input);

Json to_json(const PairwiseComparisons& comparisons);

}  // namespace engine::metrics
