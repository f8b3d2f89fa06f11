#include "tests/gradients/registry.h"

namespace engine::testing {

std::vector<GradientCase>& gradient_cases() {
  static std::vector<GradientCase> cases;
  return cases;
}

bool register_gradient_case(GradientCase gradient_case) {
  gradient_cases().push_back(std::move(gradient_case));
  return true;
}

}  // namespace engine::testing
