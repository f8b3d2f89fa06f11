// The table of gradient checks. Each case names the autograd function it checks (the third
// column of kernels/ops.def); coverage_test.cpp runs every case and proves that, between them,
// they executed every forward and backward op in ops.def.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tests/harness/gradcheck.h"

namespace engine::testing {

struct GradientCase {
  std::string function;     // e.g. "conv2d"
  std::string description;  // e.g. "3x3 stride 2, padding 1, groups = channels, batch 3"
  std::function<GradcheckResult()> run;
};

std::vector<GradientCase>& gradient_cases();

// Used as `const bool registered = register_gradient_case({...});` at namespace scope.
bool register_gradient_case(GradientCase gradient_case);

}  // namespace engine::testing
