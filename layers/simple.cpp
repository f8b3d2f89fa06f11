#include "layers/simple.h"

#include "autograd/functions.h"
#include "layers/forward_recorder.h"

namespace engine::layers {

Tensor apply(Activation activation, const Tensor& x) {
  switch (activation) {
    case Activation::none: return x;
    case Activation::relu: return relu(x);
    case Activation::silu: return silu(x);
    case Activation::sigmoid: return sigmoid(x);
  }
  return x;
}

const char* name_of(Activation activation) {
  switch (activation) {
    case Activation::none: return "Identity";
    case Activation::relu: return "ReLU";
    case Activation::silu: return "SiLU";
    case Activation::sigmoid: return "Sigmoid";
  }
  return "?";
}

ActivationLayer::ActivationLayer(Activation activation)
    : Module(name_of(activation)), activation_(activation) {}

kernels::Pool2dGeometry pool_geometry(std::int64_t kernel, std::int64_t stride,
                                      std::int64_t padding, bool count_include_pad) {
  kernels::Pool2dGeometry geometry;
  geometry.kernel_h = geometry.kernel_w = kernel;
  geometry.stride_h = geometry.stride_w = stride;
  geometry.pad_h = geometry.pad_w = padding;
  geometry.count_include_pad = count_include_pad;
  return geometry;
}

MaxPool2d::MaxPool2d(std::int64_t kernel, std::int64_t stride, std::int64_t padding)
    : Module("MaxPool2d"), geometry_(pool_geometry(kernel, stride, padding)) {}

Tensor MaxPool2d::compute(const Tensor& x) {
  Tensor y = max_pool2d(x, geometry_);
  record_output(*this, x, y);
  return y;
}

AvgPool2d::AvgPool2d(std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                     bool count_include_pad)
    : Module("AvgPool2d"), geometry_(pool_geometry(kernel, stride, padding, count_include_pad)) {}

Tensor AvgPool2d::compute(const Tensor& x) {
  Tensor y = avg_pool2d(x, geometry_);
  record_output(*this, x, y);
  return y;
}

Tensor GlobalAvgPool::compute(const Tensor& x) {
  Tensor y = global_avg_pool(x);
  record_output(*this, x, y);
  return y;
}

}  // namespace engine::layers
