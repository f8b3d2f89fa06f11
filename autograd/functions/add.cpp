// add: the residual connection. Its gradient passes unchanged to both inputs (the autograd
// engine never writes into a gradient in place, so handing out the same tensor twice is safe).
// scale: multiplication by a constant (weighting a loss); its gradient is scaled the same way.
#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

class AddNode final : public Node {
 public:
  AddNode() : Node("add") {}
  std::vector<Tensor> backward(const Tensor& grad_output) override {
    return {grad_output, grad_output};
  }
};

class ScaleNode final : public Node {
 public:
  explicit ScaleNode(double factor) : Node("scale"), factor_(factor) {}
  std::vector<Tensor> backward(const Tensor& grad_output) override {
    Tensor grad_x = Tensor::empty_like(grad_output);
    kernels::scale(grad_output, factor_, grad_x);
    return {grad_x};
  }

 private:
  double factor_;
};

}  // namespace

Tensor scale(const Tensor& x, double factor) {
  Tensor output = Tensor::empty_like(x);
  kernels::scale(x, factor, output);
  if (needs_grad({x})) record(std::make_shared<ScaleNode>(factor), {x}, output);
  return output;
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor output = Tensor::empty_like(a);
  kernels::add(a, b, output);
  if (needs_grad({a, b})) record(std::make_shared<AddNode>(), {a, b}, output);
  return output;
}

}  // namespace engine
