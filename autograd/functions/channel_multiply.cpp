// channel_multiply: x [N, H, W, C] times s [N, C], each image's channels rescaled by its own
// factors (squeeze-and-excitation). Both inputs get gradients, so the node saves both.
#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

class ChannelMultiplyNode final : public Node {
 public:
  ChannelMultiplyNode(Tensor x, Tensor s)
      : Node("channel_multiply"), x_(std::move(x)), s_(std::move(s)) {}

  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty_like(x_);
    Tensor grad_s = Tensor::empty_like(s_);
    kernels::channel_multiply_backward(grad_y, x_, s_, grad_x, grad_s);
    return {grad_x, grad_s};
  }

 private:
  Tensor x_;  // detached [N, H, W, C]
  Tensor s_;  // detached [N, C]
};

}  // namespace

Tensor channel_multiply(const Tensor& x, const Tensor& s) {
  Tensor y = Tensor::empty_like(x);
  kernels::channel_multiply_forward(x, s, y);
  if (needs_grad({x, s})) {
    record(std::make_shared<ChannelMultiplyNode>(x.detach(), s.detach()), {x, s}, y);
  }
  return y;
}

}  // namespace engine
