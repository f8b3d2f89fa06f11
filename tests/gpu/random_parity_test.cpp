// CPU vs CUDA: dropout and drop_path, forward and backward. Both devices decide every keep with
// the same function of (seed, offset, index) (kernels/dropout_mask.h), so the masks, and hence
// the outputs, must be equal bit for bit.
#include <vector>

#include "tests/gpu/gpu_support.h"
#include "tests/harness/gradcheck.h"

namespace engine::testing {

namespace {

using kernels::Op;
using kernels::RandomStream;

// Magnitudes of at least 0.1: an output is 0 exactly where the mask dropped the element.
Tensor nonzero_input(const Shape& shape, DType dtype, std::uint64_t seed) {
  return test_input(shape, seed, -1.0, 1.0, 0.1).to(dtype);
}

}  // namespace

TEST_CASE("dropout forward and backward: the CPU's mask, bit for bit") {
  for (DType dtype : parity_dtypes) {
    for (const double p : {0.0, 0.2, 0.5, 0.9}) {
      for (const Shape& shape : {Shape{1}, Shape{3, 7, 7, 33}, Shape{100003}}) {
        const RandomStream stream{.seed = 2024, .offset = 11};
        INFO(dtype_name(dtype) << to_string(shape) << " p " << p);
        const Tensor x = nonzero_input(shape, dtype, 91);
        check_parity({Op::dropout_forward},
                     [&](Device device) {
                       Tensor y = poisoned(shape, dtype, device);
                       kernels::dropout_forward(x.to(device), p, stream, y);
                       return std::vector<Tensor>{y};
                     },
                     {exact});
        check_parity({Op::dropout_backward},
                     [&](Device device) {
                       Tensor grad_x = poisoned(shape, dtype, device);
                       kernels::dropout_backward(x.to(device), p, stream, grad_x);
                       return std::vector<Tensor>{grad_x};
                     },
                     {exact});
      }
    }
  }
}

TEST_CASE("drop_path forward and backward: whole samples, the CPU's draws") {
  for (DType dtype : parity_dtypes) {
    for (const double p : {0.0, 0.2, 0.5}) {
      for (const Shape& shape : {Shape{3, 1}, Shape{8, 7, 7, 32}, Shape{64, 2, 2, 33}}) {
        const RandomStream stream{.seed = 7, .offset = 123456789};
        INFO(dtype_name(dtype) << to_string(shape) << " p " << p);
        const Tensor x = nonzero_input(shape, dtype, 92);
        check_parity({Op::drop_path_forward},
                     [&](Device device) {
                       Tensor y = poisoned(shape, dtype, device);
                       kernels::drop_path_forward(x.to(device), p, stream, y);
                       return std::vector<Tensor>{y};
                     },
                     {exact});
        check_parity({Op::drop_path_backward},
                     [&](Device device) {
                       Tensor grad_x = poisoned(shape, dtype, device);
                       kernels::drop_path_backward(x.to(device), p, stream, grad_x);
                       return std::vector<Tensor>{grad_x};
                     },
                     {exact});
      }
    }
  }
}

}  // namespace engine::testing
