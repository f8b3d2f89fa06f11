// Gradient checks for linear (x, weight and bias against central differences in float64), over
// batch 1 and several, odd sizes, with and without bias, and with a frozen input.
#include "autograd/functions.h"
#include "kernels/ops.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

struct LinearGradientCase {
  std::int64_t batch, inputs, outputs;
  bool bias;
  bool input_requires_grad;
};

const bool registered = [] {
  const std::vector<LinearGradientCase> cases = {
      {1, 5, 3, true, true},  {3, 7, 2, false, true}, {4, 1, 6, true, true},
      {6, 13, 5, true, true}, {5, 8, 2, true, false},
  };
  std::uint64_t seed = 600;
  for (const LinearGradientCase& c : cases) {
    const std::string description =
        "x [" + std::to_string(c.batch) + ", " + std::to_string(c.inputs) + "] -> " +
        std::to_string(c.outputs) + (c.bias ? ", bias" : ", no bias") +
        (c.input_requires_grad ? "" : ", frozen input (weight and bias checked)");
    register_gradient_case(
        {"linear", description, [c, seed] {
           const Tensor x =
               test_input({c.batch, c.inputs}, seed).set_requires_grad(c.input_requires_grad);
           const Tensor weight =
               test_input({c.outputs, c.inputs}, seed + 1).set_requires_grad(true);
           const Tensor bias =
               c.bias ? test_input({c.outputs}, seed + 2).set_requires_grad(true) : Tensor();
           return gradcheck(
               [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
               {x, weight, bias});
         }});
    seed += 10;
  }
  register_gradient_case(
      {"linear", "reference kernels: x [4, 6] -> 3, bias", [] {
         kernels::ReferenceKernelsScope reference;  // the loop-level code an auditor reads
         const Tensor x = test_input({4, 6}, 690).set_requires_grad(true);
         const Tensor weight = test_input({3, 6}, 691).set_requires_grad(true);
         const Tensor bias = test_input({3}, 692).set_requires_grad(true);
         return gradcheck([](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                          {x, weight, bias});
       }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
