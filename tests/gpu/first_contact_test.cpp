// The GPU check's first contact (scripts/gpu_check.sh runs this suite alone, with its own short
// timeout, before the parity suite): one small convolution, forward and both backward passes,
// through cuDNN on the GPU against the CPU's loop-level reference. It is the first call that makes
// cuDNN load its sub-libraries and run an engine, so a missing or mismatched library, or a cuDNN
// that cannot run even a plain 3x3 convolution, shows here in seconds rather than minutes into the
// parity run. The algorithm of each pass is printed.
//
//   gpu_tests --test-suite=first_contact
#include <string>

#include "kernels/cuda/mode.h"
#include "tests/gpu/gpu_support.h"

namespace engine::testing {

TEST_SUITE("first_contact") {
  TEST_CASE("first contact: one 3x3 convolution through cuDNN equals the CPU reference") {
    kernels::Conv2dGeometry g;
    g.kernel_h = g.kernel_w = 3;
    g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = 1;
    const Tensor x = uniform({2, 9, 9, 16}, 11, DType::Float32);
    const Tensor weight = uniform({24, 3, 3, 16}, 12, DType::Float32);
    const Tensor grad_y = uniform({2, 9, 9, 24}, 13, DType::Float32);
    Tensor y = poisoned({2, 9, 9, 24}, DType::Float32, Device::cpu());
    Tensor grad_x = poisoned(x.shape(), DType::Float32, Device::cpu());
    Tensor grad_weight = poisoned(weight.shape(), DType::Float32, Device::cpu());
    {
      kernels::ReferenceKernelsScope reference;
      kernels::conv2d_forward(x, weight, Tensor(), y, g);
      kernels::conv2d_grad_input(grad_y, weight, grad_x, g);
      kernels::conv2d_grad_weight(grad_y, x, grad_weight, g);
    }
    Tensor gpu_y = poisoned(y.shape(), DType::Float32, gpu());
    Tensor gpu_grad_x = poisoned(x.shape(), DType::Float32, gpu());
    Tensor gpu_grad_weight = poisoned(weight.shape(), DType::Float32, gpu());
    kernels::conv2d_forward(x.to(gpu()), weight.to(gpu()), Tensor(), gpu_y, g);
    kernels::conv2d_grad_input(grad_y.to(gpu()), weight.to(gpu()), gpu_grad_x, g);
    kernels::conv2d_grad_weight(grad_y.to(gpu()), x.to(gpu()), gpu_grad_weight, g);
    // Sums of 144 (forward), 216 (input gradient) and 162 (weight gradient) products of values
    // in [-1, 1]: 32 u terms, as the convolution parity test allows (its comment says why).
    const double tolerance = 32.0 * unit_roundoff(DType::Float32) * 216;
    CHECK_CLOSE(gpu_y, y, tolerance, 0.0);
    CHECK_CLOSE(gpu_grad_x, grad_x, tolerance, 0.0);
    CHECK_CLOSE(gpu_grad_weight, grad_weight, tolerance, 0.0);
    int passes = 0;
    for (const kernels::cuda::AlgorithmChoice& choice : kernels::cuda::algorithm_choices()) {
      if (choice.problem.find("x[2,9,9,16]") == std::string::npos) continue;
      MESSAGE(choice.op << ": " << choice.algorithm << ", " << choice.math << " (" << choice.reason
                        << ")");
      ++passes;
      // A plain 3x3 convolution that cuDNN cannot run is a broken installation, not a fallback.
      CHECK(choice.algorithm.rfind("CUDNN_CONVOLUTION_", 0) == 0);
    }
    CHECK(passes == 3);
  }
}

}  // namespace engine::testing
