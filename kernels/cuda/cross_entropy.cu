// CUDA: softmax cross-entropy of logits [N, K] against int64 targets [N], with the definition,
// label smoothing, class weights and reductions of kernels/cpu/cross_entropy.cpp (which derives
// the formulas). One thread per sample computes its log-sum-exp and its loss terms or gradient
// row in float64; the sums over samples run through column_sums.cuh (fixed order, no atomics).
//
// Targets outside [0, K): the dispatch-time contract checker cannot read device memory, so the
// backend checks them on the device before anything else runs, and copies back only the first
// offending sample (two int64s). That copy waits for the queued work (a synchronisation per
// call), the price of an error that names the sample, like the CPU's, instead of a silent
// out-of-bounds read.
#include <cmath>
#include <string>
#include <vector>

#include "kernels/backend.h"
#include "kernels/contracts.h"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

constexpr int check_threads = 256;

// ---- kernels ----------------------------------------------------------------------------------

// One block: finding[0] = the first i with targets[i] outside [0, classes), or -1;
// finding[1] = that target. Each thread keeps the smallest bad index of its stride, then the
// block takes the minimum in a fixed tree (the result does not depend on timing either way).
__global__ void find_invalid_target(const std::int64_t* targets, std::int64_t samples,
                                    std::int64_t classes, std::int64_t* finding) {
  __shared__ std::int64_t first_bad[check_threads];
  std::int64_t mine = samples;  // "none"
  for (std::int64_t i = threadIdx.x; i < samples; i += check_threads) {
    if ((targets[i] < 0 || targets[i] >= classes) && i < mine) mine = i;
  }
  first_bad[threadIdx.x] = mine;
  __syncthreads();
  for (int half = check_threads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half && first_bad[threadIdx.x + half] < first_bad[threadIdx.x]) {
      first_bad[threadIdx.x] = first_bad[threadIdx.x + half];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    const bool found = first_bad[0] < samples;
    finding[0] = found ? first_bad[0] : -1;
    finding[1] = found ? targets[first_bad[0]] : 0;
  }
}

// The class weights as doubles, 1 for every class when there are none.
template <typename T>
struct ClassWeights {
  const T* values;  // [K] or null
  __device__ double operator[](std::int64_t k) const {
    return values != nullptr ? static_cast<double>(values[k]) : 1.0;
  }
};

// Stable log(sum_k exp(row[k])), the CPU's log_sum_exp.
template <typename T>
__device__ double log_sum_exp(const T* row, std::int64_t classes) {
  double largest = static_cast<double>(row[0]);
  for (std::int64_t k = 1; k < classes; ++k) {
    const double value = static_cast<double>(row[k]);
    largest = largest < value ? value : largest;  // std::max(largest, value)
  }
  double total = 0.0;
  for (std::int64_t k = 0; k < classes; ++k) total += exp(static_cast<double>(row[k]) - largest);
  return largest + log(total);
}

// loss_i = (1 - e) w[t_i] (-log p[i, t_i]) + (e / K) sum_k w[k] (-log p[i, k]), and w[t_i]
// (what Mean divides by), per sample.
template <typename T>
__global__ void sample_losses(const T* logits, const std::int64_t* targets, ClassWeights<T> weight,
                              double smoothing, std::int64_t samples, std::int64_t classes,
                              double* losses, double* target_weights) {
  for (std::int64_t i = first_index(); i < samples; i += grid_stride()) {
    const T* row = logits + i * classes;
    const double log_normaliser = log_sum_exp(row, classes);
    const std::int64_t t = targets[i];
    double loss = (1.0 - smoothing) * weight[t] * (log_normaliser - static_cast<double>(row[t]));
    if (smoothing > 0.0) {
      double smoothed = 0.0;
      for (std::int64_t k = 0; k < classes; ++k) {
        smoothed += weight[k] * (log_normaliser - static_cast<double>(row[k]));
      }
      loss += smoothing / static_cast<double>(classes) * smoothed;
    }
    losses[i] = loss;
    target_weights[i] = weight[t];
  }
}

// loss[] = total / (Mean ? sum_i w[t_i] : 1).
template <typename T>
__global__ void write_loss(const double* total, const double* weight_total, bool mean, T* loss) {
  loss[0] = static_cast<T>(total[0] / (mean ? weight_total[0] : 1.0));
}

// d loss / d logits[i, j] = factor * ((1 - e) w[t_i] (p[i, j] - [j == t_i])
//                                     + (e / K) (W p[i, j] - w[j])),
// factor = grad_loss / (Mean ? sum_i w[t_i] : 1), W = sum_k w[k]; one thread per sample.
template <typename T>
__global__ void logit_gradients(const T* grad_loss, const T* logits, const std::int64_t* targets,
                                ClassWeights<T> weight, double smoothing, bool mean,
                                const double* weight_sum, const double* target_weight_sum,
                                std::int64_t samples, std::int64_t classes, T* grad_logits) {
  const double factor = static_cast<double>(grad_loss[0]) / (mean ? target_weight_sum[0] : 1.0);
  const double smoothing_share = smoothing / static_cast<double>(classes);
  for (std::int64_t i = first_index(); i < samples; i += grid_stride()) {
    const T* row = logits + i * classes;
    const double log_normaliser = log_sum_exp(row, classes);
    const std::int64_t t = targets[i];
    for (std::int64_t j = 0; j < classes; ++j) {
      const double probability = exp(static_cast<double>(row[j]) - log_normaliser);
      double gradient = (1.0 - smoothing) * weight[t] * (probability - (j == t ? 1.0 : 0.0));
      if (smoothing > 0.0) {
        gradient += smoothing_share * (weight_sum[0] * probability - weight[j]);
      }
      grad_logits[i * classes + j] = static_cast<T>(factor * gradient);
    }
  }
}

struct DoubleValues {
  const double* values;
  __device__ double operator()(std::int64_t i) const { return values[i]; }
};

template <typename T>
struct WeightValues {
  ClassWeights<T> weight;
  __device__ double operator()(std::int64_t k) const { return weight[k]; }
};

// ---- launchers --------------------------------------------------------------------------------

// Throws ContractError naming the first sample whose target is outside [0, classes).
void check_targets(const char* op, Context& context, const Tensor& targets, std::int64_t classes) {
  Tensor finding = Tensor::empty({2}, DType::Int64, context.device());
  find_invalid_target<<<1, check_threads, 0, context.stream()>>>(
      targets.data<std::int64_t>(), targets.numel(), classes, finding.data<std::int64_t>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
  const std::vector<std::int64_t> host = finding.to_vector<std::int64_t>();  // waits
  if (host[0] >= 0) {
    throw ContractError(std::string(op) + ": targets[" + std::to_string(host[0]) + "] is " +
                        std::to_string(host[1]) + ", outside the classes [0, " +
                        std::to_string(classes) + ")");
  }
}

template <typename T>
ClassWeights<T> weights_of(const Tensor& class_weights) {
  return {class_weights.defined() ? class_weights.data<T>() : nullptr};
}

}  // namespace

void softmax_cross_entropy_forward(const Tensor& logits, const Tensor& targets,
                                   const Tensor& class_weights, const CrossEntropyConfig& config,
                                   Tensor& loss) {
  Context& context = Context::of(loss);
  const std::int64_t samples = logits.size(0), classes = logits.size(1);
  check_targets("softmax_cross_entropy_forward", context, targets, classes);
  with_floating_type("softmax_cross_entropy_forward", logits.dtype(), [&](auto zero) {
    using T = decltype(zero);
    Tensor losses = Tensor::empty({samples}, DType::Float64, context.device());
    Tensor target_weights = Tensor::empty({samples}, DType::Float64, context.device());
    sample_losses<T><<<blocks_for(samples), threads_per_block, 0, context.stream()>>>(
        logits.data<T>(), targets.data<std::int64_t>(), weights_of<T>(class_weights),
        config.label_smoothing, samples, classes, losses.data<double>(),
        target_weights.data<double>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
    const Tensor total = whole_sum(context, DoubleValues{losses.data<double>()}, samples);
    const Tensor weight_total =
        whole_sum(context, DoubleValues{target_weights.data<double>()}, samples);
    write_loss<T><<<1, 1, 0, context.stream()>>>(total.data<double>(), weight_total.data<double>(),
                                                 config.reduction == Reduction::Mean,
                                                 loss.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void softmax_cross_entropy_backward(const Tensor& grad_loss, const Tensor& logits,
                                    const Tensor& targets, const Tensor& class_weights,
                                    const CrossEntropyConfig& config, Tensor& grad_logits) {
  Context& context = Context::of(grad_logits);
  const std::int64_t samples = logits.size(0), classes = logits.size(1);
  check_targets("softmax_cross_entropy_backward", context, targets, classes);
  with_floating_type("softmax_cross_entropy_backward", logits.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const ClassWeights<T> weight = weights_of<T>(class_weights);
    // sum_i w[t_i] needs the per-sample weights: the forward's kernel computes them (its losses
    // are not used here).
    Tensor losses = Tensor::empty({samples}, DType::Float64, context.device());
    Tensor target_weights = Tensor::empty({samples}, DType::Float64, context.device());
    sample_losses<T><<<blocks_for(samples), threads_per_block, 0, context.stream()>>>(
        logits.data<T>(), targets.data<std::int64_t>(), weight, config.label_smoothing, samples,
        classes, losses.data<double>(), target_weights.data<double>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
    const Tensor target_weight_sum =
        whole_sum(context, DoubleValues{target_weights.data<double>()}, samples);
    const Tensor weight_sum = whole_sum(context, WeightValues<T>{weight}, classes);
    logit_gradients<T><<<blocks_for(samples), threads_per_block, 0, context.stream()>>>(
        grad_loss.data<T>(), logits.data<T>(), targets.data<std::int64_t>(), weight,
        config.label_smoothing, config.reduction == Reduction::Mean, weight_sum.data<double>(),
        target_weight_sum.data<double>(), samples, classes, grad_logits.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace engine::kernels::cuda
