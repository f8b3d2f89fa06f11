// CUDA: sgd_step and adamw_step, one optimizer update of one tensor, in place; one thread per
// element. The per-element arithmetic and the host-side coefficients are those of
// kernels/cpu/optimizers.cpp (PyTorch's single-tensor SGD and AdamW, operation by operation).
// nvcc may fuse a multiply and an add into one FMA where the CPU rounds twice, so the two
// backends can differ in the last bit of an update; the parity tests allow for that.
#include <cmath>

#include "kernels/backend.h"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// The scalars of one SGD step, rounded to the parameter's dtype on the host as on the CPU.
template <typename T>
struct SgdCoefficients {
  bool l2_decay, decoupled_decay, has_momentum, first_step, nesterov;
  T weight_decay, momentum, gradient_weight, learning_rate, decay_factor;
};

template <typename T>
struct AdamWCoefficients {
  bool decay;
  T decay_factor, average_weight, beta2, square_weight, bias_correction2_sqrt, eps,
      negative_step_size;
};

// ---- kernels ----------------------------------------------------------------------------------

// Correctly rounded in both precisions (nvcc's default -prec-sqrt=true), as std::sqrt on the CPU.
__device__ float square_root(float value) { return sqrtf(value); }
__device__ double square_root(double value) { return sqrt(value); }

template <typename T>
__device__ T absolute(T value) {
  return value < T(0) ? -value : value;
}

// torch.lerp as ATen computes it: anchored at `end` for weights of 0.5 and above.
template <typename T>
__device__ T lerp(T start, T end, T weight) {
  return absolute(weight) < T(0.5) ? start + weight * (end - start)
                                   : end - (end - start) * (T(1) - weight);
}

template <typename T>
__global__ void sgd_kernel(T* p, const T* g, T* buffer, SgdCoefficients<T> k, std::int64_t count) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    T direction = g[i];
    if (k.l2_decay) direction = direction + k.weight_decay * p[i];
    if (k.has_momentum) {
      buffer[i] = k.first_step ? direction : k.momentum * buffer[i] + k.gradient_weight * direction;
      direction = k.nesterov ? direction + k.momentum * buffer[i] : buffer[i];
    }
    T value = p[i];
    if (k.decoupled_decay) value = value * k.decay_factor;
    p[i] = value - k.learning_rate * direction;
  }
}

template <typename T>
__global__ void adamw_kernel(T* p, const T* g, T* m, T* v, AdamWCoefficients<T> k,
                             std::int64_t count) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    if (k.decay) p[i] = p[i] * k.decay_factor;
    m[i] = lerp(m[i], g[i], k.average_weight);
    v[i] = v[i] * k.beta2 + k.square_weight * g[i] * g[i];
    const T denominator = square_root(v[i]) / k.bias_correction2_sqrt + k.eps;
    p[i] = p[i] + k.negative_step_size * m[i] / denominator;
  }
}

}  // namespace

// ---- launchers --------------------------------------------------------------------------------

void sgd_step(Tensor& parameter, const Tensor& grad, Tensor& momentum_buffer,
              const SgdConfig& config) {
  Context& context = Context::of(parameter);
  with_floating_type("sgd_step", parameter.dtype(), [&](auto zero) {
    using T = decltype(zero);
    SgdCoefficients<T> k;
    k.l2_decay = config.weight_decay != 0.0 && !config.decoupled_weight_decay;
    k.decoupled_decay = config.weight_decay != 0.0 && config.decoupled_weight_decay;
    k.has_momentum = config.momentum != 0.0;
    k.first_step = config.step == 1;
    k.nesterov = config.nesterov;
    k.weight_decay = static_cast<T>(config.weight_decay);
    k.momentum = static_cast<T>(config.momentum);
    k.gradient_weight = static_cast<T>(1.0 - config.dampening);
    k.learning_rate = static_cast<T>(config.learning_rate);
    k.decay_factor = static_cast<T>(1.0 - config.learning_rate * config.weight_decay);
    T* buffer = k.has_momentum ? momentum_buffer.data<T>() : nullptr;
    const std::int64_t count = parameter.numel();
    sgd_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        parameter.data<T>(), grad.data<T>(), buffer, k, count);
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void adamw_step(Tensor& parameter, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                const AdamWConfig& config) {
  Context& context = Context::of(parameter);
  with_floating_type("adamw_step", parameter.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const double step = static_cast<double>(config.step);
    const double bias_correction1 = 1.0 - std::pow(config.beta1, step);
    const double bias_correction2 = 1.0 - std::pow(config.beta2, step);
    AdamWCoefficients<T> k;
    k.decay = config.weight_decay != 0.0;
    k.decay_factor = static_cast<T>(1.0 - config.learning_rate * config.weight_decay);
    k.average_weight = static_cast<T>(1.0 - config.beta1);
    k.beta2 = static_cast<T>(config.beta2);
    k.square_weight = static_cast<T>(1.0 - config.beta2);
    k.bias_correction2_sqrt = static_cast<T>(std::sqrt(bias_correction2));
    k.eps = static_cast<T>(config.eps);
    k.negative_step_size = static_cast<T>(-(config.learning_rate / bias_correction1));
    const std::int64_t count = parameter.numel();
    adamw_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        parameter.data<T>(), grad.data<T>(), exp_avg.data<T>(), exp_avg_sq.data<T>(), k, count);
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace engine::kernels::cuda
