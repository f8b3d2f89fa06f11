// CPU vs CUDA: channel_multiply (squeeze-and-excitation) and concat_channels (Inception), forward
// and backward.
#include <cmath>
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::Op;

}  // namespace

TEST_CASE("channel_multiply forward and backward") {
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape : {Shape{1, 1, 1, 1}, Shape{3, 7, 7, 31}, Shape{2, 8, 8, 32},
                               Shape{3, 9, 9, 33}, Shape{2, 56, 56, 65}}) {
      INFO(dtype_name(dtype) << to_string(shape));
      const Shape scale_shape{shape[0], shape[3]};
      const Tensor x = uniform(shape, 81, dtype), s = uniform(scale_shape, 82, dtype);
      const Tensor grad_y = uniform(shape, 83, dtype);
      const std::int64_t pixels = shape[1] * shape[2];
      check_parity({Op::channel_multiply_forward},
                   [&](Device device) {
                     Tensor y = poisoned(shape, dtype, device);
                     kernels::channel_multiply_forward(x.to(device), s.to(device), y);
                     return std::vector<Tensor>{y};
                   },
                   {exact});  // one product per element
      // grad_x is one product per element; grad_s a float64 sum of `pixels` products of size at
      // most 1, in another order on each device (8 * 2^-53 * pixels covers that), then rounded
      // once to float32 (one ulp apart at most: 2^-22 relative).
      const Tolerance sum_tolerance{8.0 * std::ldexp(1.0, -53) * static_cast<double>(pixels),
                                    dtype == DType::Float32 ? std::ldexp(1.0, -22) : 0.0};
      check_parity({Op::channel_multiply_backward},
                   [&](Device device) {
                     Tensor grad_x = poisoned(shape, dtype, device);
                     Tensor grad_s = poisoned(scale_shape, dtype, device);
                     kernels::channel_multiply_backward(grad_y.to(device), x.to(device),
                                                        s.to(device), grad_x, grad_s);
                     return std::vector<Tensor>{grad_x, grad_s};
                   },
                   {exact, sum_tolerance});
    }
  }
}

TEST_CASE("concat_channels forward and backward: parts of 1, 31, 32, 33 and 64 channels") {
  for (DType dtype : parity_dtypes) {
    for (const Shape& image : {Shape{1, 1, 1}, Shape{3, 7, 7}, Shape{2, 17, 17}}) {
      const std::vector<std::int64_t> part_channels = {1, 31, 32, 33, 64};
      std::int64_t channels = 0;
      std::vector<Tensor> parts;
      for (std::size_t i = 0; i < part_channels.size(); ++i) {
        parts.push_back(uniform({image[0], image[1], image[2], part_channels[i]}, 84 + i, dtype));
        channels += part_channels[i];
      }
      const Shape whole{image[0], image[1], image[2], channels};
      const Tensor grad_output = uniform(whole, 90, dtype);
      INFO(dtype_name(dtype) << to_string(whole));
      check_parity({Op::concat_channels_forward},
                   [&](Device device) {
                     std::vector<Tensor> inputs;
                     for (const Tensor& part : parts) inputs.push_back(part.to(device));
                     Tensor output = poisoned(whole, dtype, device);
                     kernels::concat_channels_forward(inputs, output);
                     return std::vector<Tensor>{output};
                   },
                   {exact});
      check_parity({Op::concat_channels_backward},
                   [&](Device device) {
                     std::vector<Tensor> grad_inputs;
                     for (const Tensor& part : parts) {
                       grad_inputs.push_back(poisoned(part.shape(), dtype, device));
                     }
                     kernels::concat_channels_backward(grad_output.to(device), grad_inputs);
                     return grad_inputs;
                   },
                   {exact});
    }
  }
}

}  // namespace engine::testing
