// add: the residual connection. Its gradient passes unchanged to both inputs (the autograd
// engine never writes into a gradient in place, so handing out the same tensor twice is safe).
#include "kernels/ops.h"
#include "tensor/autograd.h"
#include "tensor/functions.h"

namespace engine {

namespace {

class AddNode final : public Node {
 public:
  AddNode() : Node("add") {}
  std::vector<Tensor> backward(const Tensor& grad_output) override {
    return {grad_output, grad_output};
  }
};

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor output = Tensor::empty_like(a);
  kernels::add(a, b, output);
  if (needs_grad({a, b})) record(std::make_shared<AddNode>(), {a, b}, output);
  return output;
}

}  // namespace engine
