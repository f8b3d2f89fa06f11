// The undetermined band: a case whose calibrated confidence is below a stated threshold is
// reported as undetermined instead of being forced into a class, as forensic practice asks.
//
// Choosing the threshold on the validation set. Confidence is max(p, 1 - p) of the calibrated
// probability (metrics/classes.h); a case is decided when its confidence >= c. The threshold is
// the smallest c for which the accuracy of the decided cases is at least the target (e.g. 0.95):
// the rule that leaves the fewest cases undetermined while meeting the target on validation.
// Only the observed confidences need be tried (between two of them the decided set does not
// change), and cases with tied confidence are decided or left together. When no c reaches the
// target, the result says so (reached = false, threshold NaN) and gives the best accuracy any
// c achieves, never a made-up threshold.
//
// Caution for the report: c is chosen on the same cases whose accuracy it reports, so that
// accuracy is optimistic; the Wilson interval beside it does not correct for the choice. The
// accuracy of decided cases must be re-estimated on independent test cases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/classes.h"
#include "metrics/intervals.h"
#include "metrics/ratio.h"
#include "util/json.h"

namespace engine::metrics {

inline constexpr double default_target_accuracy = 0.95;

struct UndeterminedBand {
  double target_accuracy = default_target_accuracy;
  bool reached = false;
  double confidence_threshold = 0;     // NaN when not reached
  Ratio decided_accuracy;              // correct / decided at the threshold
  Interval decided_accuracy_interval;  // Wilson, two-sided 95%
  Ratio undetermined_fraction;         // undetermined / all cases
  // The highest decided-case accuracy over all thresholds and the smallest threshold giving it
  // (for the report when the target is not reached).
  Ratio best_accuracy;
  double best_accuracy_threshold = 0;
};

// probabilities_class1: calibrated validation probabilities; labels: true classes; target in
// (0, 1]. Throws MetricsError for an empty or invalid sample.
UndeterminedBand fit_undetermined_band(const std::vector<int>& labels,
                                       const std::vector<double>& probabilities_class1,
                                       double target_accuracy = default_target_accuracy);

// The decision for one case.
struct CaseDecision {
  bool determined = false;
  int predicted_class = -1;  // 0 or 1 when determined, -1 when undetermined
  double confidence = 0;     // max(p, 1 - p)
};

// Determined when confidence_of(p) >= confidence_threshold; the class is then
// predicted_class(p) (p >= 0.5 -> class 1). The threshold must be in [0.5, 1].
CaseDecision decide(double probability_class1, double confidence_threshold);

// The class name, or "undetermined".
std::string decision_name(const CaseDecision& decision, const ClassNames& names = {});

Json to_json(const UndeterminedBand& band);

}  // namespace engine::metrics
