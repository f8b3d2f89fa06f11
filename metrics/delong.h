// DeLong's test: do two classifiers, scored on the same cases, differ in ROC AUC?
//
// DeLong, DeLong & Clarke-Pearson (1988, Biometrics 44:837). With m positive cases X_i and n
// negative cases Y_j, psi(x, y) = 1 when x > y, 1/2 when x = y, 0 when x < y, each classifier's
// AUC is the mean of its structural components
//   V10(X_i) = (1/n) sum_j psi(X_i, Y_j)   (one per positive case),
//   V01(Y_j) = (1/m) sum_i psi(X_i, Y_j)   (one per negative case).
// With S10 and S01 the 2 x 2 sample covariance matrices (denominators m - 1 and n - 1) of the
// two classifiers' V10 and V01, the covariance matrix of the two AUCs is S10 / m + S01 / n, and
//   Var(AUC_a - AUC_b) = S_aa + S_bb - 2 S_ab,  z = (AUC_a - AUC_b) / sqrt(Var),
//   p = 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2)   (two-sided, normal approximation).
// Ties count 1/2, as in the Mann-Whitney statistic: the AUC here is bit for bit the one
// metrics/roc.h computes. The score is the probability of the positive class, ordered as
// roc.h orders it (p(class 1), descending when class 0 is positive; never 1 - p).
//
// Algorithm: the placement values of Sun & Xu (2014, IEEE Signal Processing Letters 21:1389),
// V10(X_i) = (R(X_i) - R_X(X_i)) / n with mid-ranks R in the pooled sample and R_X among the
// positives, i.e. (negatives below X_i) + (negatives tied with X_i) / 2, over n. One sort per
// classifier gives them all: O(N log N) instead of the m x n comparisons of the definition.
// They are kept as integers (twice the counts), and the covariance sums are formed in 128-bit
// integers, so each variance is one rounding away from exact, does not depend on the order of
// the cases, and is exactly 0 when the two classifiers' components coincide (identical
// classifiers), where floating-point sums would leave a rounding residue for z to divide by.
//
// Undefined results (NaN in C++, null with a note in JSON), never a made-up number:
//   - fewer than 2 positives or 2 negatives: the sample covariances have no degrees of freedom;
//   - Var(AUC_a - AUC_b) = 0 (identical classifiers, both separating the classes perfectly, or
//     components that differ by a constant): there is no spread to scale the difference by, so
//     z and p are undefined; the AUCs and their difference are still reported.
// A sample without both classes is an error (MetricsError), as for the AUC itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/classes.h"
#include "util/json.h"

namespace engine::metrics {

struct DeLongTest {
  int positive_class = 0;
  std::string positive_name;
  std::int64_t positives = 0;
  std::int64_t negatives = 0;
  double auc_a = 0;
  double auc_b = 0;
  double difference = 0;           // auc_a - auc_b, from one division of an integer
  double variance_a = 0;           // DeLong variance of auc_a
  double variance_b = 0;           // DeLong variance of auc_b
  double covariance = 0;           // DeLong covariance of auc_a and auc_b
  double variance_difference = 0;  // of auc_a - auc_b; NaN when undefined
  double z = 0;                    // NaN when undefined
  double p_value = 0;              // two-sided; NaN when undefined
  std::string undefined_reason;    // empty when z and p are defined
};

// probabilities_a and probabilities_b: each classifier's p(class 1) for the same cases, in the
// same order as labels. positive_class must be chosen (0 or 1).
DeLongTest delong_test(const std::vector<int>& labels, const std::vector<double>& probabilities_a,
                       const std::vector<double>& probabilities_b, int positive_class,
                       const ClassNames& names = {});

// AUC(a) - AUC(b) alone, as delong_test computes it: one division of an exact integer, so a
// difference of 0 is exactly 0 (the paired bootstrap's replicates use it).
double auc_difference(const std::vector<int>& labels, const std::vector<double>& probabilities_a,
                      const std::vector<double>& probabilities_b, int positive_class,
                      const ClassNames& names = {});

Json to_json(const DeLongTest& test);

}  // namespace engine::metrics
