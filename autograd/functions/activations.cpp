// relu, silu, sigmoid: forward and backward. relu and sigmoid save their output (their
// derivatives are cheapest from it); silu saves its input.
#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

using BackwardOp = void (*)(const Tensor&, const Tensor&, Tensor&);

class ActivationNode final : public Node {
 public:
  ActivationNode(const char* name, BackwardOp backward_op, Tensor saved)
      : Node(name), backward_op_(backward_op), saved_(std::move(saved)) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty_like(saved_);
    backward_op_(grad_y, saved_, grad_x);
    return {grad_x};
  }

 private:
  BackwardOp backward_op_;
  Tensor saved_;  // detached: the output (relu, sigmoid) or the input (silu)
};

enum class Saves { input, output };

Tensor activation(const char* name, const Tensor& x, void (*forward_op)(const Tensor&, Tensor&),
                  BackwardOp backward_op, Saves saves) {
  Tensor y = Tensor::empty_like(x);
  forward_op(x, y);
  if (needs_grad({x})) {
    Tensor saved = saves == Saves::output ? y.detach() : x.detach();
    record(std::make_shared<ActivationNode>(name, backward_op, std::move(saved)), {x}, y);
  }
  return y;
}

}  // namespace

Tensor relu(const Tensor& x) {
  return activation("relu", x, kernels::relu_forward, kernels::relu_backward, Saves::output);
}

Tensor silu(const Tensor& x) {
  return activation("silu", x, kernels::silu_forward, kernels::silu_backward, Saves::input);
}

Tensor sigmoid(const Tensor& x) {
  return activation("sigmoid", x, kernels::sigmoid_forward, kernels::sigmoid_backward,
                    Saves::output);
}

}  // namespace engine
