// CPU vs CUDA: linear_forward, linear_grad_input and linear_grad_weight (cuBLAS), on sizes around
// the 32-wide tiles, odd sizes, and the networks' classifier heads.
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::Op;

struct LinearCase {
  std::int64_t batch, inputs, outputs;
  bool bias;
};

const LinearCase linear_cases[] = {
    {1, 1, 1, true},     {3, 31, 33, true},   {7, 64, 2, false},  {32, 2048, 2, true},
    {65, 512, 65, true}, {33, 1280, 2, true}, {2, 32, 31, false}, {128, 65, 64, true},
};

// Sums of `terms` products of values in [-1, 1], against the CPU's BLAS: both err by at most a
// few u * terms (cuBLAS may split the sum differently); 8 u terms, while a wrong index moves an
// output by a whole |x w| (1/4 on average).
Tolerance linear_tolerance(DType dtype, std::int64_t terms) {
  return {8.0 * unit_roundoff(dtype) * static_cast<double>(std::max<std::int64_t>(terms, 1)), 0.0};
}

}  // namespace

TEST_CASE("linear forward, grad_input and grad_weight") {
  for (DType dtype : parity_dtypes) {
    for (const LinearCase& c : linear_cases) {
      INFO(dtype_name(dtype) << " N " << c.batch << ", K " << c.inputs << ", O " << c.outputs
                             << std::string(c.bias ? ", bias" : ""));
      const Tensor x = uniform({c.batch, c.inputs}, 51, dtype);
      const Tensor weight = uniform({c.outputs, c.inputs}, 52, dtype);
      const Tensor bias = c.bias ? uniform({c.outputs}, 53, dtype) : Tensor();
      const Tensor grad_y = uniform({c.batch, c.outputs}, 54, dtype);
      check_parity({Op::linear_forward},
                   [&](Device device) {
                     Tensor y = poisoned({c.batch, c.outputs}, dtype, device);
                     kernels::linear_forward(x.to(device), weight.to(device),
                                             c.bias ? bias.to(device) : Tensor(), y);
                     return std::vector<Tensor>{y};
                   },
                   {linear_tolerance(dtype, c.inputs + 1)});
      check_parity({Op::linear_grad_input},
                   [&](Device device) {
                     Tensor grad_x = poisoned({c.batch, c.inputs}, dtype, device);
                     kernels::linear_grad_input(grad_y.to(device), weight.to(device), grad_x);
                     return std::vector<Tensor>{grad_x};
                   },
                   {linear_tolerance(dtype, c.outputs)});
      check_parity({Op::linear_grad_weight},
                   [&](Device device) {
                     Tensor grad_weight = poisoned({c.outputs, c.inputs}, dtype, device);
                     kernels::linear_grad_weight(grad_y.to(device), x.to(device), grad_weight);
                     return std::vector<Tensor>{grad_weight};
                   },
                   {linear_tolerance(dtype, c.batch)});
    }
  }
}

}  // namespace engine::testing
