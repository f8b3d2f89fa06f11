// Runs every registered gradient check, then proves the table covers kernels/ops.def: each
// forward and backward op must have run inside a check of the function ops.def names for it.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "kernels/ops.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

TEST_CASE("every gradient check passes and together they cover every differentiable op") {
  std::map<std::string, std::set<std::size_t>> ops_run_by_function;
  REQUIRE_FALSE(gradient_cases().empty());
  for (const GradientCase& gradient_case : gradient_cases()) {
    std::vector<std::uint64_t> before(kernels::op_count);
    for (std::size_t op = 0; op < kernels::op_count; ++op) {
      before[op] = kernels::call_count(static_cast<kernels::Op>(op));
    }
    const GradcheckResult result = gradient_case.run();
    INFO(gradient_case.function << ": " << gradient_case.description);
    CHECK_MESSAGE(result.ok, result.report);
    CHECK(result.checked > 0);
    for (std::size_t op = 0; op < kernels::op_count; ++op) {
      if (kernels::call_count(static_cast<kernels::Op>(op)) > before[op]) {
        ops_run_by_function[gradient_case.function].insert(op);
      }
    }
  }
  for (std::size_t op = 0; op < kernels::op_count; ++op) {
    const kernels::OpInfo& info = kernels::op_table[op];
    if (info.category != kernels::OpCategory::forward &&
        info.category != kernels::OpCategory::backward) {
      continue;
    }
    INFO("ops.def: " << std::string(info.name) << " should be exercised by the gradient check of "
                     << std::string(info.function));
    CHECK(ops_run_by_function[info.function].count(op) == 1);
  }
}

}  // namespace engine::testing
