// batch_norm2d: per-channel normalisation of NHWC activations, in training mode (batch
// statistics; running statistics updated in place) or evaluation mode (running statistics).
//
// Training differentiates through the batch mean and variance (batch_statistics = true).
// Evaluation treats the running statistics as constants (batch_statistics = false): what
// fine-tuning with frozen BatchNorm and Grad-CAM on an evaluation-mode network need. The running
// statistics are buffers: they get no gradient and are not inputs of the node.
#include "kernels/ops.h"
#include "tensor/autograd.h"
#include "tensor/functions.h"

namespace engine {

namespace {

class BatchNormNode final : public Node {
 public:
  BatchNormNode(const char* name, Tensor x, Tensor gamma, Tensor mean, Tensor invstd,
                bool batch_statistics)
      : Node(name),
        x_(std::move(x)),
        gamma_(std::move(gamma)),
        mean_(std::move(mean)),
        invstd_(std::move(invstd)),
        batch_statistics_(batch_statistics) {}

  // Gradients for x, gamma and beta, in the order they were recorded.
  std::vector<Tensor> backward(const Tensor& grad_y) override {
    Tensor grad_x = Tensor::empty_like(x_);
    Tensor grad_gamma = Tensor::empty_like(gamma_);
    Tensor grad_beta = Tensor::empty_like(gamma_);
    kernels::batch_norm_backward(grad_y, x_, gamma_, mean_, invstd_, batch_statistics_, grad_x,
                                 grad_gamma, grad_beta);
    return {grad_x, grad_gamma, grad_beta};
  }

 private:
  Tensor x_;       // detached input [N, H, W, C]
  Tensor gamma_;   // detached [C]
  Tensor mean_;    // [C]: the batch mean (training) or a copy of the running mean (evaluation)
  Tensor invstd_;  // [C]: 1 / sqrt(var + eps) for that same variance
  bool batch_statistics_;
};

}  // namespace

Tensor batch_norm2d(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                    Tensor& running_var, bool training, const BatchNormConfig& config) {
  Tensor y = Tensor::empty_like(x);
  // For an x that is not NHWC any extent will do: the op's contract check rejects x by name.
  const Shape per_channel{x.rank() == 4 ? x.size(3) : 0};
  Tensor invstd = Tensor::empty(per_channel, x.dtype(), x.device());
  if (training) {
    Tensor mean = Tensor::empty(per_channel, x.dtype(), x.device());
    kernels::batch_norm_train_forward(x, gamma, beta, running_mean, running_var, config, y, mean,
                                      invstd);
    if (needs_grad({x, gamma, beta})) {
      record(std::make_shared<BatchNormNode>("batch_norm2d", x.detach(), gamma.detach(), mean,
                                             invstd, true),
             {x, gamma, beta}, y);
    }
    return y;
  }
  kernels::batch_norm_eval_forward(x, gamma, beta, running_mean, running_var, config, y, invstd);
  if (needs_grad({x, gamma, beta})) {
    // A copy, because the running mean changes in place at the next training-mode call, which
    // may come before this node's backward pass (the running variance is already captured in
    // invstd).
    record(std::make_shared<BatchNormNode>("batch_norm2d_eval", x.detach(), gamma.detach(),
                                           running_mean.clone(), invstd, false),
           {x, gamma, beta}, y);
  }
  return y;
}

}  // namespace engine
