// The doctest main shared by every test suite.
//
// `--engine-reference-kernels` (removed before doctest sees the arguments) runs the whole suite
// with kernels::ReferenceKernelsScope held: every convolution and linear layer takes its
// loop-level reference instead of im2col + BLAS. tests/CMakeLists.txt registers the float32
// parity and end-to-end suites a second time this way, so the suite proves its tolerances on two
// arithmetic paths without touching the BLAS library's environment.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <optional>
#include <vector>

#include "kernels/ops.h"

int main(int argc, char** argv) {
  std::vector<char*> arguments;
  bool reference_kernels = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--engine-reference-kernels") == 0) {
      reference_kernels = true;
    } else {
      arguments.push_back(argv[i]);
    }
  }
  std::optional<engine::kernels::ReferenceKernelsScope> scope;
  if (reference_kernels) scope.emplace();
  doctest::Context context(static_cast<int>(arguments.size()), arguments.data());
  return context.run();
}
