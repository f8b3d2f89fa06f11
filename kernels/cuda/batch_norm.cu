// CUDA: batch normalisation of NHWC tensors, per channel over N, H and W, with the formulas and
// float64 intermediates of kernels/cpu/batch_norm.cpp.
//
// x is read as M = N * H * W rows of C channels, x[m, c]. The per-channel sums (mean, squared
// deviations, and the two sums of the backward pass) run in float64 through column_sums.cuh: a
// fixed reduction tree, no atomics, so the statistics have the same bits on every run. They are
// two passes, mean first and squared deviations second, as on the CPU (E[x^2] - E[x]^2 would let
// a large mean cancel the variance). Per-channel finishing and the elementwise normalisation are
// one thread per channel or per element.
#include <cmath>

#include "kernels/backend.h"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

template <typename T>
struct ChannelValues {  // x[m, c]
  const T* x;
  std::int64_t channels;
  __device__ double operator()(std::int64_t, std::int64_t m, std::int64_t c) const {
    return static_cast<double>(x[m * channels + c]);
  }
};

template <typename T>
struct SquaredDeviations {  // (x[m, c] - mean[c])^2 with mean[c] = sums[c] / M
  const T* x;
  const double* sums;
  double rows;
  std::int64_t channels;
  __device__ double operator()(std::int64_t, std::int64_t m, std::int64_t c) const {
    const double deviation = static_cast<double>(x[m * channels + c]) - sums[c] / rows;
    return deviation * deviation;
  }
};

template <typename T>
struct GradientTimesNormalised {  // dy[m, c] * x_hat[m, c], x_hat = (x - mean) * invstd
  const T* dy;
  const T* x;
  const T* mean;
  const T* invstd;
  std::int64_t channels;
  __device__ double operator()(std::int64_t, std::int64_t m, std::int64_t c) const {
    const std::int64_t index = m * channels + c;
    const double normalised = (static_cast<double>(x[index]) - static_cast<double>(mean[c])) *
                              static_cast<double>(invstd[c]);
    return static_cast<double>(dy[index]) * normalised;
  }
};

// Per channel: the batch statistics, the saved outputs and the running statistics. The float64
// mean and invstd also go to `statistics` [2, C] for the normalisation (the CPU normalises with
// the unrounded values too).
template <typename T>
__global__ void finish_statistics(const double* sums, const double* squares, std::int64_t rows,
                                  std::int64_t channels, double momentum, double eps, T* saved_mean,
                                  T* saved_invstd, T* running_mean, T* running_var,
                                  double* statistics) {
  for (std::int64_t c = first_index(); c < channels; c += grid_stride()) {
    const double mean = sums[c] / static_cast<double>(rows);
    const double biased_variance = squares[c] / static_cast<double>(rows);
    const double unbiased_variance = squares[c] / static_cast<double>(rows - 1);
    const double invstd = 1.0 / sqrt(biased_variance + eps);
    statistics[c] = mean;
    statistics[channels + c] = invstd;
    saved_mean[c] = static_cast<T>(mean);
    saved_invstd[c] = static_cast<T>(invstd);
    running_mean[c] = static_cast<T>((1.0 - momentum) * running_mean[c] + momentum * mean);
    running_var[c] =
        static_cast<T>((1.0 - momentum) * running_var[c] + momentum * unbiased_variance);
  }
}

// y[m, c] = gamma[c] * (x[m, c] - mean[c]) * invstd[c] + beta[c], mean and invstd in float64
// from statistics [2, C].
template <typename T>
__global__ void normalise_training(const T* x, const double* statistics, const T* gamma,
                                   const T* beta, std::int64_t channels, std::int64_t count, T* y) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % channels;
    const double normalised =
        (static_cast<double>(x[i]) - statistics[c]) * statistics[channels + c];
    y[i] =
        static_cast<T>(static_cast<double>(gamma[c]) * normalised + static_cast<double>(beta[c]));
  }
}

template <typename T>
__global__ void evaluation_invstd(const T* running_var, double eps, std::int64_t channels,
                                  T* invstd) {
  for (std::int64_t c = first_index(); c < channels; c += grid_stride()) {
    invstd[c] = static_cast<T>(1.0 / sqrt(static_cast<double>(running_var[c]) + eps));
  }
}

// As the CPU: the running mean and the invstd just rounded to T.
template <typename T>
__global__ void normalise_evaluation(const T* x, const T* mean, const T* invstd, const T* gamma,
                                     const T* beta, std::int64_t channels, std::int64_t count,
                                     T* y) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % channels;
    const double normalised =
        (static_cast<double>(x[i]) - static_cast<double>(mean[c])) * static_cast<double>(invstd[c]);
    y[i] =
        static_cast<T>(static_cast<double>(gamma[c]) * normalised + static_cast<double>(beta[c]));
  }
}

template <typename T>
__global__ void write_parameter_gradients(const double* sum_dy, const double* sum_dy_xhat,
                                          std::int64_t channels, T* grad_gamma, T* grad_beta) {
  for (std::int64_t c = first_index(); c < channels; c += grid_stride()) {
    grad_beta[c] = static_cast<T>(sum_dy[c]);
    grad_gamma[c] = static_cast<T>(sum_dy_xhat[c]);
  }
}

// grad_x = gamma * invstd * (dy - [sum dy / M + x_hat * sum(dy x_hat) / M]), the bracket only
// with batch statistics (see kernels/cpu/batch_norm.cpp for the derivation).
template <typename T>
__global__ void input_gradient(const T* dy, const T* x, const T* gamma, const T* mean,
                               const T* invstd, const double* sum_dy, const double* sum_dy_xhat,
                               bool batch_statistics, std::int64_t rows, std::int64_t channels,
                               std::int64_t count, T* dx) {
  const double values = static_cast<double>(rows);
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % channels;
    const double factor = static_cast<double>(gamma[c]) * static_cast<double>(invstd[c]);
    double gradient = static_cast<double>(dy[i]);
    if (batch_statistics) {
      const double normalised = (static_cast<double>(x[i]) - static_cast<double>(mean[c])) *
                                static_cast<double>(invstd[c]);
      gradient -= sum_dy[c] / values + normalised * sum_dy_xhat[c] / values;
    }
    dx[i] = static_cast<T>(factor * gradient);
  }
}

// M = N * H * W, the values per channel (0 for a tensor without channels).
std::int64_t rows_of(const Tensor& x) { return x.size(3) == 0 ? 0 : x.numel() / x.size(3); }

}  // namespace

// ---- launchers --------------------------------------------------------------------------------

void batch_norm_train_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                              Tensor& running_mean, Tensor& running_var,
                              const BatchNormConfig& config, Tensor& y, Tensor& saved_mean,
                              Tensor& saved_invstd) {
  Context& context = Context::of(y);
  with_floating_type("batch_norm_train_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t channels = x.size(3), rows = rows_of(x), count = x.numel();
    const ColumnShape shape{1, rows, channels};
    const Tensor sums = column_sums(context, ChannelValues<T>{x.data<T>(), channels}, shape);
    const Tensor squares = column_sums(
        context,
        SquaredDeviations<T>{x.data<T>(), sums.data<double>(), static_cast<double>(rows), channels},
        shape);
    Tensor statistics = Tensor::empty({2, channels}, DType::Float64, context.device());
    finish_statistics<T><<<blocks_for(channels), threads_per_block, 0, context.stream()>>>(
        sums.data<double>(), squares.data<double>(), rows, channels, config.momentum, config.eps,
        saved_mean.data<T>(), saved_invstd.data<T>(), running_mean.data<T>(), running_var.data<T>(),
        statistics.data<double>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
    normalise_training<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        x.data<T>(), statistics.data<double>(), gamma.data<T>(), beta.data<T>(), channels, count,
        y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void batch_norm_eval_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                             const Tensor& running_mean, const Tensor& running_var,
                             const BatchNormConfig& config, Tensor& y, Tensor& saved_invstd) {
  Context& context = Context::of(y);
  with_floating_type("batch_norm_eval_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t channels = x.size(3), count = x.numel();
    evaluation_invstd<T><<<blocks_for(channels), threads_per_block, 0, context.stream()>>>(
        running_var.data<T>(), config.eps, channels, saved_invstd.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
    normalise_evaluation<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        x.data<T>(), running_mean.data<T>(), saved_invstd.data<T>(), gamma.data<T>(),
        beta.data<T>(), channels, count, y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void batch_norm_backward(const Tensor& grad_y, const Tensor& x, const Tensor& gamma,
                         const Tensor& mean, const Tensor& invstd, bool batch_statistics,
                         Tensor& grad_x, Tensor& grad_gamma, Tensor& grad_beta) {
  Context& context = Context::of(grad_x);
  with_floating_type("batch_norm_backward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t channels = x.size(3), rows = rows_of(x), count = x.numel();
    const ColumnShape shape{1, rows, channels};
    const Tensor sum_dy = column_sums(context, ChannelValues<T>{grad_y.data<T>(), channels}, shape);
    const Tensor sum_dy_xhat =
        column_sums(context,
                    GradientTimesNormalised<T>{grad_y.data<T>(), x.data<T>(), mean.data<T>(),
                                               invstd.data<T>(), channels},
                    shape);
    write_parameter_gradients<T><<<blocks_for(channels), threads_per_block, 0, context.stream()>>>(
        sum_dy.data<double>(), sum_dy_xhat.data<double>(), channels, grad_gamma.data<T>(),
        grad_beta.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
    input_gradient<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_y.data<T>(), x.data<T>(), gamma.data<T>(), mean.data<T>(), invstd.data<T>(),
        sum_dy.data<double>(), sum_dy_xhat.data<double>(), batch_statistics, rows, channels, count,
        grad_x.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace engine::kernels::cuda
