// max_pool2d, avg_pool2d and global_avg_pool on NHWC activations. Max pooling saves its input
// (the backward pass finds each window's maximum again); the average pools need only shapes.
#include <algorithm>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

class MaxPoolNode final : public Node {
 public:
  MaxPoolNode(Tensor x, const Pool2dGeometry& geometry)
      : Node("max_pool2d"), x_(std::move(x)), geometry_(geometry) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty_like(x_);
    kernels::max_pool2d_backward(grad_y, x_, grad_x, geometry_);
    return {grad_x};
  }

 private:
  Tensor x_;  // detached input [N, H, W, C]
  Pool2dGeometry geometry_;
};

class AveragePoolNode final : public Node {
 public:
  AveragePoolNode(Shape input_shape, const Pool2dGeometry& geometry)
      : Node("avg_pool2d"), input_shape_(std::move(input_shape)), geometry_(geometry) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty(input_shape_, grad_y.dtype(), grad_y.device());
    kernels::avg_pool2d_backward(grad_y, grad_x, geometry_);
    return {grad_x};
  }

 private:
  Shape input_shape_;
  Pool2dGeometry geometry_;
};

class GlobalAveragePoolNode final : public Node {
 public:
  explicit GlobalAveragePoolNode(Shape input_shape)
      : Node("global_avg_pool"), input_shape_(std::move(input_shape)) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty(input_shape_, grad_y.dtype(), grad_y.device());
    kernels::global_avg_pool_backward(grad_y, grad_x);
    return {grad_x};
  }

 private:
  Shape input_shape_;
};

// [N, OH, OW, C]. For an x that is not NHWC, or strides that would divide by zero, a
// placeholder: the op's contract check then rejects the call and names the culprit.
Shape pooled_shape(const Tensor& x, const Pool2dGeometry& geometry) {
  if (x.rank() != 4 || geometry.stride_h < 1 || geometry.stride_w < 1) return Shape{0};
  return {x.size(0), std::max<std::int64_t>(0, geometry.output_h(x.size(1))),
          std::max<std::int64_t>(0, geometry.output_w(x.size(2))), x.size(3)};
}

}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dGeometry& geometry) {
  Tensor y = Tensor::empty(pooled_shape(x, geometry), x.dtype(), x.device());
  kernels::max_pool2d_forward(x, y, geometry);
  if (needs_grad({x})) record(std::make_shared<MaxPoolNode>(x.detach(), geometry), {x}, y);
  return y;
}

Tensor avg_pool2d(const Tensor& x, const Pool2dGeometry& geometry) {
  Tensor y = Tensor::empty(pooled_shape(x, geometry), x.dtype(), x.device());
  kernels::avg_pool2d_forward(x, y, geometry);
  if (needs_grad({x})) record(std::make_shared<AveragePoolNode>(x.shape(), geometry), {x}, y);
  return y;
}

Tensor global_avg_pool(const Tensor& x) {
  const Shape pooled = x.rank() == 4 ? Shape{x.size(0), x.size(3)} : Shape{0};
  Tensor y = Tensor::empty(pooled, x.dtype(), x.device());
  kernels::global_avg_pool_forward(x, y);
  if (needs_grad({x})) record(std::make_shared<GlobalAveragePoolNode>(x.shape()), {x}, y);
  return y;
}

}  // namespace engine
