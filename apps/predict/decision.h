// predict_app's use of the one decision policy (metrics/decision_policy.h): the checkpoint's
// class names and calibration block, and the examiner's --threshold when given.
#pragma once

#include "metrics/decision_policy.h"
#include "models/checkpoint.h"

namespace engine::apps {

using metrics::DecisionPolicy;
using metrics::Estimate;

// `threshold_override` < 0: none (the checkpoint's band, or no threshold at all). Throws
// std::invalid_argument when the checkpoint's calibration metadata is malformed or the model is
// not a two-class model.
DecisionPolicy decision_policy(const models::CheckpointInfo& info, double threshold_override);

}  // namespace engine::apps
