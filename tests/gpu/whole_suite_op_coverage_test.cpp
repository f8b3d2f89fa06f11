// Every op in ops.def has run on the GPU under check_parity in this process.
//
// doctest runs test cases in file-name order by default, and this file's name sorts after every
// parity test file of the suite, so when the whole suite runs this case sees all of them. Run on
// its own (or under a filter) it fails, listing the ops it did not see: the check is meaningful
// only for a full run, which is what ctest and scripts/gpu_check.sh do.
#include <string>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

TEST_CASE("every op of ops.def ran on the GPU in a parity check") {
  std::string missing;
  for (std::size_t i = 0; i < kernels::op_count; ++i) {
    if (!ran_on_gpu(static_cast<kernels::Op>(i)))
      missing += std::string(" ") + kernels::op_table[i].name;
  }
  INFO("ops without a GPU parity check in this run:" << missing);
  CHECK(missing.empty());
}

}  // namespace engine::testing
