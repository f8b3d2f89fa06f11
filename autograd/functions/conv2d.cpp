// conv2d: x [N, H, W, C] (NHWC), weight [O, KH, KW, C / groups] (OHWI), bias [O] or undefined,
// y [N, OH, OW, O]. The backward pass computes only the gradients some input needs: the image
// batch entering the first layer needs none, and a frozen layer needs no weight gradient.
//   grad_x    = conv2d_grad_input(grad_y, weight)   needs the weight, saved when x needs grad
//   grad_w    = conv2d_grad_weight(grad_y, x)       needs x, saved when the weight needs grad
//   grad_bias = channel_sum(grad_y)                 sum over N, OH, OW
#include <algorithm>
#include <stdexcept>
#include <string>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

bool requires_gradient(const Tensor& tensor) { return tensor.defined() && tensor.requires_grad(); }

class Conv2dNode final : public Node {
 public:
  Conv2dNode(Tensor x, Tensor weight, Shape x_shape, Shape weight_shape, bool has_bias,
             const Conv2dGeometry& geometry)
      : Node("conv2d"),
        x_(std::move(x)),
        weight_(std::move(weight)),
        x_shape_(std::move(x_shape)),
        weight_shape_(std::move(weight_shape)),
        has_bias_(has_bias),
        geometry_(geometry) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x, grad_weight, grad_bias;
    if (wants_gradient(0)) {
      grad_x = Tensor::empty(x_shape_, grad_y.dtype(), grad_y.device());
      kernels::conv2d_grad_input(grad_y, weight_, grad_x, geometry_);
    }
    if (wants_gradient(1)) {
      grad_weight = Tensor::empty(weight_shape_, grad_y.dtype(), grad_y.device());
      kernels::conv2d_grad_weight(grad_y, x_, grad_weight, geometry_);
    }
    if (has_bias_ && wants_gradient(2)) {
      grad_bias = Tensor::empty({weight_shape_[0]}, grad_y.dtype(), grad_y.device());
      kernels::channel_sum(grad_y, grad_bias);
    }
    return {grad_x, grad_weight, grad_bias};
  }

 private:
  // Input `index` (0 x, 1 weight, 2 bias) leads to a leaf or node that takes a gradient.
  bool wants_gradient(std::size_t index) const {
    const Edge& edge = edges()[index];
    return edge.node != nullptr || edge.leaf != nullptr;
  }

  Tensor x_;       // detached; undefined when the weight needs no gradient
  Tensor weight_;  // detached; undefined when x needs no gradient
  Shape x_shape_, weight_shape_;
  bool has_bias_;
  Conv2dGeometry geometry_;
};

void require_rank_four(const char* name, const Tensor& tensor) {
  if (!tensor.defined() || tensor.rank() != 4) {
    throw std::invalid_argument(std::string("conv2d: ") + name + " must have rank 4, got " +
                                (tensor.defined() ? tensor.description() : "undefined"));
  }
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dGeometry& geometry) {
  require_rank_four("x [N, H, W, C]", x);
  require_rank_four("weight [O, KH, KW, C / groups]", weight);
  // A bad stride gets the contract's message from conv2d_forward, not a division by zero here.
  const bool strides_valid = geometry.stride_h >= 1 && geometry.stride_w >= 1;
  const std::int64_t out_height = strides_valid ? geometry.output_h(x.size(1)) : 0;
  const std::int64_t out_width = strides_valid ? geometry.output_w(x.size(2)) : 0;
  Tensor y = Tensor::empty({x.size(0), std::max<std::int64_t>(0, out_height),
                            std::max<std::int64_t>(0, out_width), weight.size(0)},
                           x.dtype(), x.device());
  kernels::conv2d_forward(x, weight, bias, y, geometry);
  if (needs_grad({x, weight, bias})) {
    Tensor saved_x = requires_gradient(weight) ? x.detach() : Tensor();
    Tensor saved_weight = requires_gradient(x) ? weight.detach() : Tensor();
    record(std::make_shared<Conv2dNode>(std::move(saved_x), std::move(saved_weight), x.shape(),
                                        weight.shape(), bias.defined(), geometry),
           {x, weight, bias}, y);
  }
  return y;
}

}  // namespace engine
