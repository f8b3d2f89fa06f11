// CPU: softmax cross-entropy of logits [N, K] against integer targets [N], exactly as
// torch.nn.functional.cross_entropy(logits, targets, weight=w, label_smoothing=e, reduction=r)
// computes it.
//
// With log p[i, k] = logits[i, k] - logsumexp_j logits[i, j], and w[k] = 1 without weights:
//   loss_i = (1 - e) * w[t_i] * (-log p[i, t_i])  +  (e / K) * sum_k w[k] * (-log p[i, k])
//   Sum:  loss = sum_i loss_i
//   Mean: loss = sum_i loss_i / sum_i w[t_i]
// Two details follow PyTorch's implementation (cross_entropy_loss_label_smoothing in
// aten/src/ATen/native/LossNLL.cpp) and were confirmed numerically against torch 2.15: the
// smoothing term weights class k by its own w[k], not by w[t_i]; and Mean divides both terms by
// sum_i w[t_i]. Without smoothing (e = 0) the smoothing term is not evaluated at all, as in
// PyTorch, so an infinite logit elsewhere in a row cannot turn 0 * inf into NaN.
//
// Since d(-log p[i, k]) / d logits[i, j] = p[i, j] - [j == k], the gradient is
//   d loss_i / d logits[i, j] = (1 - e) w[t_i] (p[i, j] - [j == t_i]) + (e / K) (W p[i, j] - w[j])
// with W = sum_k w[k], divided by the same denominator as the loss and times grad_loss.
#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/backend.h"
#include "kernels/contracts.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

namespace {

// The contract says targets lie in [0, K). The dispatch-time checker cannot read tensor data
// (it may live on a GPU), so the CPU backend checks the values as it reads them.
void check_targets(const char* op, const Tensor& targets, std::int64_t classes) {
  const std::int64_t* target = targets.data<std::int64_t>();
  for (std::int64_t i = 0; i < targets.numel(); ++i) {
    if (target[i] < 0 || target[i] >= classes) {
      throw ContractError(std::string(op) + ": targets[" + std::to_string(i) + "] is " +
                          std::to_string(target[i]) + ", outside the classes [0, " +
                          std::to_string(classes) + ")");
    }
  }
}

// Stable log(sum_k exp(row[k])): subtracting the largest logit keeps every exponent <= 0, so
// exp() cannot overflow, and the largest term is exactly 1, so the sum cannot underflow to 0.
template <typename T>
double log_sum_exp(const T* row, std::int64_t classes) {
  double largest = row[0];
  for (std::int64_t k = 1; k < classes; ++k) largest = std::max(largest, double{row[k]});
  double total = 0.0;
  for (std::int64_t k = 0; k < classes; ++k) total += std::exp(row[k] - largest);
  return largest + std::log(total);
}

// The class weights as doubles, 1 for every class when there are none.
template <typename T>
struct ClassWeights {
  const T* values;  // [K] or null
  double operator[](std::int64_t k) const { return values ? static_cast<double>(values[k]) : 1.0; }
};

template <typename T>
ClassWeights<T> weights_of(const Tensor& class_weights) {
  return {class_weights.defined() ? class_weights.data<T>() : nullptr};
}

// What the summed loss is divided by: sum_i w[t_i] for Mean (N without weights), 1 for Sum.
template <typename T>
double denominator(const Tensor& targets, ClassWeights<T> weight, Reduction reduction) {
  if (reduction == Reduction::Sum) return 1.0;
  const std::int64_t* target = targets.data<std::int64_t>();
  double total = 0.0;
  for (std::int64_t i = 0; i < targets.numel(); ++i) total += weight[target[i]];
  return total;
}

template <typename T>
void forward(const Tensor& logits, const Tensor& targets, const Tensor& class_weights,
             const CrossEntropyConfig& config, Tensor& loss) {
  const std::int64_t samples = logits.size(0), classes = logits.size(1);
  const T* z = logits.data<T>();  // [N, K]
  const std::int64_t* target = targets.data<std::int64_t>();
  const ClassWeights<T> weight = weights_of<T>(class_weights);
  const double e = config.label_smoothing;
  double total = 0.0;  // one sequential sum over the samples: one order, the same bits every run
  for (std::int64_t i = 0; i < samples; ++i) {
    const T* row = z + i * classes;
    const double log_normaliser = log_sum_exp(row, classes);
    const std::int64_t t = target[i];
    total += (1.0 - e) * weight[t] * (log_normaliser - row[t]);
    if (e > 0.0) {
      double smoothing = 0.0;
      for (std::int64_t k = 0; k < classes; ++k) smoothing += weight[k] * (log_normaliser - row[k]);
      total += e / static_cast<double>(classes) * smoothing;
    }
  }
  loss.data<T>()[0] = static_cast<T>(total / denominator(targets, weight, config.reduction));
}

template <typename T>
void backward(const Tensor& grad_loss, const Tensor& logits, const Tensor& targets,
              const Tensor& class_weights, const CrossEntropyConfig& config, Tensor& grad_logits) {
  const std::int64_t samples = logits.size(0), classes = logits.size(1);
  const T* z = logits.data<T>();  // [N, K]
  T* dz = grad_logits.data<T>();  // [N, K]
  const std::int64_t* target = targets.data<std::int64_t>();
  const ClassWeights<T> weight = weights_of<T>(class_weights);
  const double e = config.label_smoothing;
  const double smoothing_share = e / static_cast<double>(classes);
  double weight_total = 0.0;  // W
  for (std::int64_t k = 0; k < classes; ++k) weight_total += weight[k];
  const double factor =
      static_cast<double>(grad_loss.data<T>()[0]) / denominator(targets, weight, config.reduction);

  const auto rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const T* row = z + i * classes;
      const double log_normaliser = log_sum_exp(row, classes);
      const std::int64_t t = target[i];
      for (std::int64_t j = 0; j < classes; ++j) {
        const double probability = std::exp(row[j] - log_normaliser);
        double gradient = (1.0 - e) * weight[t] * (probability - (j == t ? 1.0 : 0.0));
        if (e > 0.0) gradient += smoothing_share * (weight_total * probability - weight[j]);
        dz[i * classes + j] = static_cast<T>(factor * gradient);
      }
    }
  };
  parallel_for(samples, grain_for(classes), rows);
}

}  // namespace

void softmax_cross_entropy_forward(const Tensor& logits, const Tensor& targets,
                                   const Tensor& class_weights, const CrossEntropyConfig& config,
                                   Tensor& loss) {
  check_targets("softmax_cross_entropy_forward", targets, logits.size(1));
  with_floating_type("softmax_cross_entropy_forward", logits.dtype(), [&](auto zero) {
    forward<decltype(zero)>(logits, targets, class_weights, config, loss);
  });
}

void softmax_cross_entropy_backward(const Tensor& grad_loss, const Tensor& logits,
                                    const Tensor& targets, const Tensor& class_weights,
                                    const CrossEntropyConfig& config, Tensor& grad_logits) {
  check_targets("softmax_cross_entropy_backward", targets, logits.size(1));
  with_floating_type("softmax_cross_entropy_backward", logits.dtype(), [&](auto zero) {
    backward<decltype(zero)>(grad_loss, logits, targets, class_weights, config, grad_logits);
  });
}

}  // namespace engine::kernels::cpu
