// softmax_cross_entropy: the training loss, torch.nn.functional.cross_entropy's semantics (see
// kernels/cpu/cross_entropy.cpp for the formula). Only the logits are differentiated; targets
// are integers and class weights are constants of the loss.
#include <stdexcept>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

class SoftmaxCrossEntropyNode final : public Node {
 public:
  SoftmaxCrossEntropyNode(Tensor logits, Tensor targets, Tensor class_weights,
                          const CrossEntropyConfig& config)
      : Node("softmax_cross_entropy"),
        logits_(std::move(logits)),
        targets_(std::move(targets)),
        class_weights_(std::move(class_weights)),
        config_(config) {}

  std::vector<Tensor> backward(const Tensor& grad_loss) override {
    Tensor grad_logits = Tensor::empty_like(logits_);
    kernels::softmax_cross_entropy_backward(grad_loss, logits_, targets_, class_weights_, config_,
                                            grad_logits);
    return {grad_logits};
  }

 private:
  Tensor logits_;         // detached [N, K]
  Tensor targets_;        // int64 [N]
  Tensor class_weights_;  // detached [K] or undefined
  CrossEntropyConfig config_;
};

}  // namespace

Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& targets,
                             const Tensor& class_weights, const CrossEntropyConfig& config) {
  // Weights that ask for a gradient would silently get none; say so instead.
  if (class_weights.defined() && class_weights.requires_grad()) {
    throw std::invalid_argument(
        "softmax_cross_entropy: class_weights are constants and cannot require grad");
  }
  Tensor loss = Tensor::empty(Shape{}, logits.dtype(), logits.device());
  kernels::softmax_cross_entropy_forward(logits, targets, class_weights, config, loss);
  if (needs_grad({logits})) {
    record(std::make_shared<SoftmaxCrossEntropyNode>(
               logits.detach(), targets.detach(),
               class_weights.defined() ? class_weights.detach() : Tensor(), config),
           {logits}, loss);
  }
  return loss;
}

}  // namespace engine
