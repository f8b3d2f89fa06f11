// batch_norm2d: per-channel normalisation of NHWC activations, in training mode (batch
// statistics; running statistics updated in place) or evaluation mode (running statistics).
//
// Training differentiates through the batch mean and variance (batch_statistics = true).
// Evaluation treats the running statistics as constants (batch_statistics = false): what
// fine-tuning with frozen BatchNorm and Grad-CAM on an evaluation-mode network need. The running
// statistics are buffers: they get no gradient and are not inputs of the node.
//
// In inference mode only (autograd/inference_mode.h: a model folded for inference), an
// evaluation-mode batch norm that is exactly the identity (what folding it into the preceding
// convolution leaves, models/inference.h) is skipped on the CPU when no gradient is recorded: the
// input is returned as the output, sparing a read and a write of the whole activation. The trace
// records the skip as a line of its own ("backend": "skipped", with the reason).
#include <cmath>
#include <stdexcept>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "autograd/functions/batch_norm_identity.h"
#include "autograd/inference_mode.h"
#include "kernels/ops.h"
#include "kernels/parameter_trace.h"
#include "kernels/trace.h"

namespace engine {

namespace {

// The evaluation kernel's 1 / sqrt(variance + eps), rounded to T as kernels/cpu/batch_norm.cpp
// rounds it.
template <typename T>
T evaluation_invstd(T variance, double eps) {
  return static_cast<T>(1.0 / std::sqrt(static_cast<double>(variance) + eps));
}

template <typename T>
bool is_identity(const Tensor& gamma, const Tensor& beta, const Tensor& mean,
                 const Tensor& variance, double eps) {
  const T* g = gamma.data<T>();
  const T* b = beta.data<T>();
  const T* m = mean.data<T>();
  const T* v = variance.data<T>();
  for (std::int64_t c = 0; c < gamma.numel(); ++c) {
    if (g[c] != T(1) || b[c] != T(0) || m[c] != T(0) || evaluation_invstd(v[c], eps) != T(1)) {
      return false;
    }
  }
  return true;
}

template <typename T>
double identity_variance(double eps) {
  // 1 - eps rounded to T, then its neighbours: the first whose invstd rounds to exactly 1.
  T candidate = static_cast<T>(1.0 - eps);
  for (int step = 0; step < 64; ++step) {
    if (evaluation_invstd(candidate, eps) == T(1)) return static_cast<double>(candidate);
    const double sum = static_cast<double>(candidate) + eps;
    candidate = std::nextafter(candidate, sum < 1.0 ? T(2) : T(0));
  }
  throw std::logic_error("identity_running_variance: no variance found for eps " +
                         std::to_string(eps));
}

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

bool is_identity_batch_norm(const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                            const Tensor& running_var, double eps) {
  for (const Tensor* tensor : {&gamma, &beta, &running_mean, &running_var}) {
    if (!tensor->defined() || !tensor->device().is_cpu() || !tensor->is_contiguous() ||
        tensor->dtype() != gamma.dtype() || tensor->numel() != gamma.numel()) {
      return false;
    }
  }
  switch (gamma.dtype()) {
    case DType::Float32: return is_identity<float>(gamma, beta, running_mean, running_var, eps);
    case DType::Float64: return is_identity<double>(gamma, beta, running_mean, running_var, eps);
    default: return false;
  }
}

double identity_running_variance(DType dtype, double eps) {
  switch (dtype) {
    case DType::Float32: return identity_variance<float>(eps);
    case DType::Float64: return identity_variance<double>(eps);
    default:
      throw std::invalid_argument(
          std::string("identity_running_variance: float32 or float64, not ") + name_of(dtype));
  }
}

Tensor batch_norm2d(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                    Tensor& running_var, bool training, const BatchNormConfig& config) {
  // The skip keeps the op's contract: an NHWC x of gamma's dtype and width, on the CPU.
  const bool skippable = !training && x.defined() && gamma.defined() && x.device().is_cpu() &&
                         x.rank() == 4 && x.is_contiguous() && x.dtype() == gamma.dtype() &&
                         x.size(3) == gamma.numel();
  if (skippable && inference_mode() && !needs_grad({x, gamma, beta}) &&
      is_identity_batch_norm(gamma, beta, running_mean, running_var, config.eps)) {
    kernels::trace_skipped_op(
        "batch_norm_eval_forward", {&x, &gamma, &beta, &running_mean, &running_var}, {&x},
        {{"config", kernels::trace_json(config)}},
        "an identity batch norm in inference mode (folded into the "
        "convolution before it, models/inference.h): its input is its output");
    return x;
  }
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
