#include "layers/conv2d.h"

#include <stdexcept>

#include "autograd/functions.h"
#include "layers/forward_recorder.h"

namespace engine::layers {

kernels::Conv2dGeometry conv_geometry(std::int64_t kernel_h, std::int64_t kernel_w,
                                      std::int64_t stride, std::int64_t pad_h, std::int64_t pad_w,
                                      std::int64_t groups) {
  kernels::Conv2dGeometry geometry;
  geometry.kernel_h = kernel_h;
  geometry.kernel_w = kernel_w;
  geometry.stride_h = geometry.stride_w = stride;
  geometry.pad_top = geometry.pad_bottom = pad_h;
  geometry.pad_left = geometry.pad_right = pad_w;
  geometry.groups = groups;
  return geometry;
}

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels,
               kernels::Conv2dGeometry geometry, bool with_bias)
    : Module("Conv2d"),
      in_channels_(in_channels),
      out_channels_(out_channels),
      geometry_(geometry) {
  if (in_channels % geometry.groups != 0 || out_channels % geometry.groups != 0) {
    throw std::invalid_argument("Conv2d: channels " + std::to_string(in_channels) + " -> " +
                                std::to_string(out_channels) + " not divisible by groups " +
                                std::to_string(geometry.groups));
  }
  weight = Tensor::zeros(
      {out_channels, geometry.kernel_h, geometry.kernel_w, in_channels / geometry.groups});
  register_parameter("weight", weight);
  if (with_bias) {
    bias = Tensor::zeros({out_channels});
    register_parameter("bias", bias);
  }
}

Tensor Conv2d::compute(const Tensor& x) {
  Tensor y = conv2d(x, weight, bias, geometry_);
  record_output(*this, x, y);
  return y;
}

}  // namespace engine::layers
