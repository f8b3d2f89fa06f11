// A checkpoint's calibration block as train_app writes it (temperature, fitted, reason, and the
// undetermined band), for the tests of the decision policy and of predict_app.
#pragma once

#include "util/json.h"

namespace engine::testing {

// The band reached `target` at `threshold` with 19/20 decided validation cases correct and 5/25
// left undetermined; reached = false: no threshold.
Json calibration_block(double temperature, bool reached, double threshold, double target = 0.95);

}  // namespace engine::testing
