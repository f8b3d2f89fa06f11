// CPU: sgd_step and adamw_step, one optimizer update of one tensor, in place.
//
// Both follow PyTorch's single-tensor implementations (torch/optim/sgd.py and adam.py,
// `_single_tensor_sgd` / `_single_tensor_adam`) operation by operation, so that the order of
// roundings is the same as far as plain C++ allows. The scalar coefficients (1 - lr * wd, the bias
// corrections, ...) are computed once in double, as Python does, and rounded to the parameter's
// dtype; the per-element arithmetic runs in that dtype, as PyTorch's CPU kernels do.
#include <cmath>
#include <cstdint>

#include "kernels/backend.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

namespace {

constexpr std::int64_t update_grain = 1 << 15;

// torch.lerp as ATen computes it on the CPU: start + weight * (end - start), switching to the
// form anchored at `end` for weights of 0.5 and above, which is more accurate there.
template <typename T>
T lerp(T start, T end, T weight) {
  return std::abs(weight) < T(0.5) ? start + weight * (end - start)
                                   : end - (end - start) * (T(1) - weight);
}

}  // namespace

// Per element, with g the gradient and p the parameter:
//   L2 decay:         g = g + wd * p                    (before momentum, PyTorch's default)
//   momentum, step 1: buf = g
//   momentum, later:  buf = momentum * buf + (1 - dampening) * g
//   direction:        nesterov ? g + momentum * buf : (momentum != 0 ? buf : g)
//   decoupled decay:  p = p * (1 - lr * wd)             (PyTorch's SGD has no such option; it is
//                                                        applied first, as AdamW does)
//   update:           p = p - lr * direction
void sgd_step(Tensor& parameter, const Tensor& grad, Tensor& momentum_buffer,
              const SgdConfig& config) {
  with_floating_type("sgd_step", parameter.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const bool l2_decay = config.weight_decay != 0.0 && !config.decoupled_weight_decay;
    const bool decoupled_decay = config.weight_decay != 0.0 && config.decoupled_weight_decay;
    const bool has_momentum = config.momentum != 0.0;
    const bool first_step = config.step == 1;
    const T weight_decay = static_cast<T>(config.weight_decay);
    const T momentum = static_cast<T>(config.momentum);
    const T gradient_weight = static_cast<T>(1.0 - config.dampening);
    const T learning_rate = static_cast<T>(config.learning_rate);
    const T decay_factor = static_cast<T>(1.0 - config.learning_rate * config.weight_decay);

    T* p = parameter.data<T>();
    const T* g = grad.data<T>();
    T* buffer = has_momentum ? momentum_buffer.data<T>() : nullptr;
    parallel_for(parameter.numel(), update_grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        T direction = g[i];
        if (l2_decay) direction = direction + weight_decay * p[i];
        if (has_momentum) {
          buffer[i] = first_step ? direction : momentum * buffer[i] + gradient_weight * direction;
          direction = config.nesterov ? direction + momentum * buffer[i] : buffer[i];
        }
        T value = p[i];
        if (decoupled_decay) value = value * decay_factor;
        p[i] = value - learning_rate * direction;
      }
    });
  });
}

// Per element, with t = config.step:
//   p = p * (1 - lr * wd)                       decoupled weight decay, on the old weights
//   m = lerp(m, g, 1 - beta1)                   = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g * g
//   denominator = sqrt(v) / sqrt(1 - beta2^t) + eps
//   p = p + (-lr / (1 - beta1^t)) * m / denominator
// This is p -= lr * mhat / (sqrt(vhat) + eps) with mhat = m / (1 - beta1^t) and
// vhat = v / (1 - beta2^t), arranged as PyTorch arranges it (eps is added after the bias
// correction of sqrt(v), not inside the square root).
void adamw_step(Tensor& parameter, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                const AdamWConfig& config) {
  with_floating_type("adamw_step", parameter.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const double step = static_cast<double>(config.step);
    const double bias_correction1 = 1.0 - std::pow(config.beta1, step);
    const double bias_correction2 = 1.0 - std::pow(config.beta2, step);
    const T decay_factor = static_cast<T>(1.0 - config.learning_rate * config.weight_decay);
    const T average_weight = static_cast<T>(1.0 - config.beta1);
    const T beta2 = static_cast<T>(config.beta2);
    const T square_weight = static_cast<T>(1.0 - config.beta2);
    const T bias_correction2_sqrt = static_cast<T>(std::sqrt(bias_correction2));
    const T eps = static_cast<T>(config.eps);
    const T negative_step_size = static_cast<T>(-(config.learning_rate / bias_correction1));
    const bool decay = config.weight_decay != 0.0;

    T* p = parameter.data<T>();
    const T* g = grad.data<T>();
    T* m = exp_avg.data<T>();
    T* v = exp_avg_sq.data<T>();
    parallel_for(parameter.numel(), update_grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        if (decay) p[i] = p[i] * decay_factor;
        m[i] = lerp(m[i], g[i], average_weight);
        v[i] = v[i] * beta2 + square_weight * g[i] * g[i];
        const T denominator = std::sqrt(v[i]) / bias_correction2_sqrt + eps;
        p[i] = p[i] + negative_step_size * m[i] / denominator;
      }
    });
  });
}

}  // namespace engine::kernels::cpu
