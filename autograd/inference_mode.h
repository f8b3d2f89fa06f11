// Inference mode: explicit, never the default. While an InferenceModeGuard is alive on this
// thread, an evaluation-mode batch norm that is exactly the identity (what folding it into the
// convolution before it leaves, models/inference.h) returns its input instead of running the
// kernel, and the trace records the skip as a line of its own ("backend": "skipped", with the
// reason). Outside it every batch norm runs its kernel, identity or not. A BatchNorm2d that
// models::fold_batch_norm() folded enters inference mode for its own forward pass, so only a
// model someone folded for inference ever skips.
#pragma once

namespace engine {

class InferenceModeGuard {
 public:
  InferenceModeGuard();
  ~InferenceModeGuard();
  InferenceModeGuard(const InferenceModeGuard&) = delete;
  InferenceModeGuard& operator=(const InferenceModeGuard&) = delete;

 private:
  bool previous_;
};

bool inference_mode();

}  // namespace engine
