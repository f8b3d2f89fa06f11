// dropout (per element) and drop_path (per sample, torchvision's StochasticDepth in "row"
// mode). Outside training, or with p == 0, both are the identity and return the input itself:
// no copy, no node. The mask is never stored; the backward pass regenerates it from the stream.
#include <stdexcept>
#include <string>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

using MaskOp = void (*)(const Tensor&, double, const RandomStream&, Tensor&);

class MaskNode final : public Node {
 public:
  MaskNode(const char* name, MaskOp backward_op, double p, const RandomStream& stream)
      : Node(name), backward_op_(backward_op), p_(p), stream_(stream) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty_like(grad_y);
    backward_op_(grad_y, p_, stream_, grad_x);
    return {grad_x};
  }

 private:
  MaskOp backward_op_;
  double p_;
  RandomStream stream_;
};

Tensor masked(const char* name, const Tensor& x, double p, const RandomStream& stream,
              bool training, MaskOp forward_op, MaskOp backward_op) {
  // Checked here as well as in the op, so that a bad p fails in evaluation too and not only
  // once training starts.
  if (!(p >= 0.0 && p < 1.0)) {
    throw std::invalid_argument(std::string(name) + ": p must be in [0, 1), got " +
                                std::to_string(p));
  }
  if (!training || p == 0.0) return x;
  Tensor y = Tensor::empty_like(x);
  forward_op(x, p, stream, y);
  if (needs_grad({x})) record(std::make_shared<MaskNode>(name, backward_op, p, stream), {x}, y);
  return y;
}

}  // namespace

Tensor dropout(const Tensor& x, double p, const RandomStream& stream, bool training) {
  return masked("dropout", x, p, stream, training, kernels::dropout_forward,
                kernels::dropout_backward);
}

Tensor drop_path(const Tensor& x, double p, const RandomStream& stream, bool training) {
  return masked("drop_path", x, p, stream, training, kernels::drop_path_forward,
                kernels::drop_path_backward);
}

}  // namespace engine
