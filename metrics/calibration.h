// Calibration: temperature scaling, the reliability diagram, expected calibration error (ECE)
// and the Brier score.
//
// Temperature scaling (Guo et al. 2017, "On calibration of modern neural networks"): the
// calibrated probabilities are softmax(z / T) for one scalar T > 0 fitted on the validation set
// by minimising the negative log-likelihood (NLL). T > 1 softens over-confident outputs; the
// predicted class never changes. With two classes softmax(z / T) depends only on the margin
// d = z1 - z0: p(class 1) = sigmoid(d / T).
//
// Fitting. Write s = 1/T and t_i = +1 for a class-1 case, -1 for a class-0 case. The NLL is
//   f(s) = sum_i log(1 + exp(-t_i d_i s)),
// a sum of convex functions of s, so it is convex with derivative
//   f'(s) = -sum_i t_i d_i sigmoid(-t_i d_i s),
// which never decreases. Its root is found by bisection on log s over T in [0.01, 100]: no
// step size, no starting point, the same answer on every machine. Bisection stops when the
// bracket is narrower than 1e-12 in log T, i.e. T is known to a relative 1e-12, far below the
// statistical uncertainty of any validation set. When f' has no root in the range the fit
// reports failure (fitted = false, with the reason) instead of a boundary value:
//   f'(1/100) >= 0  the NLL is lowest at T >= 100: the logits carry (almost) no information
//                   about the labels, or point the wrong way;
//   f'(1/0.01) <= 0 the NLL still falls at T = 0.01: the logits separate the validation set
//                   (almost) perfectly and T is not identifiable.
//
// Reliability diagram and ECE (Naeini et al. 2015; Guo et al. 2017): confidence is the
// probability given to the predicted class, max(p, 1 - p) (metrics/classes.h); a case is
// correct when the predicted class (p >= 0.5 -> class 1) is its true class. M equal-width bins
// over [0, 1]: bin b holds confidences in (b/M, (b+1)/M] (bin 0 also holds 0). With two classes
// confidence >= 0.5, so the bins below 0.5 are empty and are listed as such. A confidence within
// one rounding of an edge may fall on either side (the edges are not exact doubles).
//   ECE = sum_b (n_b / n) |accuracy_b - mean confidence_b|
//       = (1 / n) sum_b |correct_b - sum of confidences in b|
//
// Brier score (Brier 1950), binary form: mean over cases of (p(class 1) - y)^2, in [0, 1].
// (Brier's original sums over both classes and is twice this.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/ratio.h"
#include "util/json.h"

namespace engine::metrics {

inline constexpr double minimum_temperature = 0.01;
inline constexpr double maximum_temperature = 100.0;
inline constexpr double temperature_log_tolerance = 1e-12;
inline constexpr int default_calibration_bins = 15;

// z1 - z0 per case from N x 2 logits stored row by row.
std::vector<double> logit_margins(const std::vector<double>& logits_row_major);

// sigmoid(margin / temperature), computed without overflow for any finite margin.
double calibrated_probability(double margin, double temperature);
std::vector<double> calibrated_probabilities(const std::vector<double>& margins,
                                             double temperature);

// Mean NLL of the labels under p(class 1) = sigmoid(margin / temperature).
double mean_negative_log_likelihood(const std::vector<int>& labels,
                                    const std::vector<double>& margins, double temperature);

struct TemperatureFit {
  bool fitted = false;
  std::string failure;         // why, when not fitted
  double temperature = 0;      // NaN when not fitted
  double mean_nll_before = 0;  // at T = 1
  double mean_nll_after = 0;   // at the fitted T; NaN when not fitted
  std::int64_t cases = 0;
  int iterations = 0;
};

TemperatureFit fit_temperature(const std::vector<int>& labels, const std::vector<double>& margins);

struct ReliabilityBin {
  double lower = 0;  // exclusive, except for bin 0
  double upper = 0;  // inclusive
  std::int64_t count = 0;
  std::int64_t correct = 0;
  double confidence_sum = 0;
  double mean_confidence() const;  // NaN when the bin is empty
  Ratio accuracy() const { return {correct, count}; }
};

struct ReliabilityDiagram {
  std::vector<ReliabilityBin> bins;
  std::int64_t cases = 0;
  double expected_calibration_error = 0;
};

ReliabilityDiagram reliability_diagram(const std::vector<int>& labels,
                                       const std::vector<double>& probabilities_class1,
                                       int bin_count = default_calibration_bins);

double brier_score(const std::vector<int>& labels, const std::vector<double>& probabilities_class1);

Json to_json(const TemperatureFit& fit);
Json to_json(const ReliabilityDiagram& diagram);

}  // namespace engine::metrics
