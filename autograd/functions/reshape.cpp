// reshape and flatten: no arithmetic, so no op of their own; the gradient is reshaped back.
#include <stdexcept>

#include "autograd/autograd.h"
#include "autograd/functions.h"

namespace engine {

namespace {

class ReshapeNode final : public Node {
 public:
  explicit ReshapeNode(Shape input_shape) : Node("reshape"), input_shape_(std::move(input_shape)) {}
  std::vector<Tensor> backward(const Tensor& grad_output) override {
    return {grad_output.contiguous().view(input_shape_)};
  }

 private:
  Shape input_shape_;
};

Shape resolve(const Tensor& x, Shape shape) {
  std::int64_t known = 1;
  std::size_t inferred = shape.size();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && inferred == shape.size()) {
      inferred = i;
    } else if (shape[i] < 0) {
      throw std::invalid_argument("reshape: bad extent in " + to_string(shape));
    } else {
      known *= shape[i];
    }
  }
  if (inferred != shape.size()) {
    if (known == 0 || x.numel() % known != 0) {
      throw std::invalid_argument("reshape of " + x.description() + " to " + to_string(shape));
    }
    shape[inferred] = x.numel() / known;
  }
  if (element_count(shape) != x.numel()) {
    throw std::invalid_argument("reshape of " + x.description() + " to " + to_string(shape) +
                                ": element counts differ");
  }
  return shape;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  Tensor output = x.contiguous().view(resolve(x, shape));
  if (needs_grad({x})) record(std::make_shared<ReshapeNode>(x.shape()), {x}, output);
  return output;
}

Tensor flatten(const Tensor& x) {
  if (x.rank() < 1) throw std::invalid_argument("flatten of a rank-0 tensor");
  return reshape(x, Shape{x.size(0), -1});
}

}  // namespace engine
