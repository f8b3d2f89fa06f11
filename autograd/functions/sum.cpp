// sum and mean over all elements, to a rank-0 tensor; mean is the sum scaled by 1 / numel.
#include <stdexcept>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

class SumNode final : public Node {
 public:
  SumNode(const char* name, Shape input_shape, double factor)
      : Node(name), input_shape_(std::move(input_shape)), factor_(factor) {}

  std::vector<Tensor> backward(const Tensor& grad_output) override {
    Tensor grad_x = Tensor::empty(input_shape_, grad_output.dtype(), grad_output.device());
    kernels::sum_backward(grad_output, factor_, grad_x);
    return {grad_x};
  }

 private:
  Shape input_shape_;
  double factor_;
};

Tensor scaled_sum(const char* name, const Tensor& x, double factor) {
  Tensor output = Tensor::empty(Shape{}, x.dtype(), x.device());
  kernels::sum_forward(x, factor, output);
  if (needs_grad({x})) record(std::make_shared<SumNode>(name, x.shape(), factor), {x}, output);
  return output;
}

}  // namespace

Tensor sum(const Tensor& x) { return scaled_sum("sum", x, 1.0); }

Tensor mean(const Tensor& x) {
  if (x.numel() == 0) throw std::invalid_argument("mean of an empty " + x.description());
  return scaled_sum("mean", x, 1.0 / static_cast<double>(x.numel()));
}

}  // namespace engine
