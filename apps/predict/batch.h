// One batch of a predict_app run: prepare each image (its own failure recorded on its item), run
// every view through the model (and the CPU reference with --verify-on-cpu), calibrate and
// decide, then explain with Grad-CAM (--explain).
#pragma once

#include <vector>

#include "apps/predict/prediction.h"
#include "apps/predict/verification.h"
#include "models/model.h"

namespace engine::apps {

struct BatchContext {
  const PredictionRun& run;
  models::Model& model;
  CpuVerifier* verifier = nullptr;  // --verify-on-cpu
  double* prediction_seconds = nullptr;
};

void predict_batch(BatchContext& context, const std::vector<PredictionItem*>& items);

}  // namespace engine::apps
