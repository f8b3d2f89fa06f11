// linear: x [N, K], weight [O, K] (PyTorch's layout), bias [O] or undefined, y [N, O] =
// x weight^T + bias. The backward pass computes only the gradients some input needs.
//   grad_x    = linear_grad_input(grad_y, weight)   needs the weight, saved when x needs grad
//   grad_w    = linear_grad_weight(grad_y, x)       needs x, saved when the weight needs grad
//   grad_bias = channel_sum(grad_y)                 sum over N
#include <stdexcept>
#include <string>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

bool requires_gradient(const Tensor& tensor) { return tensor.defined() && tensor.requires_grad(); }

class LinearNode final : public Node {
 public:
  LinearNode(Tensor x, Tensor weight, Shape x_shape, Shape weight_shape, bool has_bias)
      : Node("linear"),
        x_(std::move(x)),
        weight_(std::move(weight)),
        x_shape_(std::move(x_shape)),
        weight_shape_(std::move(weight_shape)),
        has_bias_(has_bias) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x, grad_weight, grad_bias;
    if (wants_gradient(0)) {
      grad_x = Tensor::empty(x_shape_, grad_y.dtype(), grad_y.device());
      kernels::linear_grad_input(grad_y, weight_, grad_x);
    }
    if (wants_gradient(1)) {
      grad_weight = Tensor::empty(weight_shape_, grad_y.dtype(), grad_y.device());
      kernels::linear_grad_weight(grad_y, x_, grad_weight);
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
};

void require_rank_two(const char* name, const Tensor& tensor) {
  if (!tensor.defined() || tensor.rank() != 2) {
    throw std::invalid_argument(std::string("linear: ") + name + " must have rank 2, got " +
                                (tensor.defined() ? tensor.description() : "undefined"));
  }
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  require_rank_two("x [N, K]", x);
  require_rank_two("weight [O, K]", weight);
  Tensor y = Tensor::empty({x.size(0), weight.size(0)}, x.dtype(), x.device());
  kernels::linear_forward(x, weight, bias, y);
  if (needs_grad({x, weight, bias})) {
    Tensor saved_x = requires_gradient(weight) ? x.detach() : Tensor();
    Tensor saved_weight = requires_gradient(x) ? weight.detach() : Tensor();
    record(std::make_shared<LinearNode>(std::move(saved_x), std::move(saved_weight), x.shape(),
                                        weight.shape(), bias.defined()),
           {x, weight, bias}, y);
  }
  return y;
}

}  // namespace engine
