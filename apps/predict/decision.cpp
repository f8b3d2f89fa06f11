#include "apps/predict/decision.h"

#include <stdexcept>

namespace engine::apps {

DecisionPolicy decision_policy(const models::CheckpointInfo& info, double threshold_override) {
  if (info.options.classes != 2 || info.class_names.size() != 2) {
    throw std::invalid_argument("the checkpoint is not a two-class (female, male) model");
  }
  std::optional<double> examiner;
  if (threshold_override >= 0) examiner = threshold_override;
  return metrics::decision_policy({info.class_names[0], info.class_names[1]}, info.calibration,
                                  examiner);
}

}  // namespace engine::apps
