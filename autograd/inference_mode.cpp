#include "autograd/inference_mode.h"

namespace engine {

namespace {
thread_local bool inference_mode_enabled = false;
}

InferenceModeGuard::InferenceModeGuard() : previous_(inference_mode_enabled) {
  inference_mode_enabled = true;
}

InferenceModeGuard::~InferenceModeGuard() { inference_mode_enabled = previous_; }

bool inference_mode() { return inference_mode_enabled; }

}  // namespace engine
