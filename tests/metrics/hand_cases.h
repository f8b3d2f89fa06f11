// Small samples whose every figure is derived by hand in the tests that use them.
#pragma once

#include <vector>

namespace engine::metrics::testing {

// Ten cases, class 0 = female, class 1 = male, threshold 0.5 (p >= 0.5 -> male).
//   true male   (6): p = 0.9, 0.8, 0.7, 0.6 -> predicted male (4); p = 0.4, 0.2 -> female (2)
//   true female (4): p = 0.1, 0.3, 0.45 -> predicted female (3); p = 0.55 -> male (1)
// With male positive: TP = 4, FN = 2, TN = 3, FP = 1.
// Interleaved so that no figure can depend on the cases being grouped.
struct TenCases {
  std::vector<double> probabilities = {0.9, 0.1, 0.8, 0.4, 0.3, 0.7, 0.55, 0.2, 0.45, 0.6};
  std::vector<int> labels = {1, 0, 1, 1, 0, 1, 0, 1, 0, 1};
};

}  // namespace engine::metrics::testing
