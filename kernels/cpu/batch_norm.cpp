// CPU: batch normalisation of NHWC tensors, per channel over N, H and W, as PyTorch's
// BatchNorm2d computes it.
//
// x is read as M = N * H * W rows of C channels: x[m, c]. Per-channel sums are float64 and run
// over fixed blocks of consecutive rows, vectorised over the contiguous channels, with the block
// totals added in block order (channel_reduction.h): the order depends on the shape only, so
// results are bitwise identical for any thread count. The elementwise passes split the rows.
// (Splitting the channels between threads instead, as an earlier version did, made every thread
// stride through every row: 6x slower with two threads than with one on [16, 112, 112, 64].)
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/channel_reduction.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu/vector_clones.h"

namespace engine::kernels::cpu {

namespace {

// M = N * H * W, the values per channel (0 for a tensor without channels, not a division by 0).
std::int64_t rows_of(const Tensor& x) { return x.size(3) == 0 ? 0 : x.numel() / x.size(3); }

template <typename T>
std::vector<double> as_doubles(const T* values, std::int64_t count) {
  return std::vector<double>(values, values + count);
}

// The loops of the passes below, each over rows [first, last) of [M, C] tensors with the
// channels innermost, compiled for AVX-512, AVX2 and the baseline (vector_clones.h: the same
// bits on every processor). Every sum is a float64 accumulator per channel, added to row by row.

// sum[c] += x[m, c]
template <typename T>
ENGINE_VECTOR_CLONES void add_rows(const T* in, std::int64_t first, std::int64_t last,
                                   std::int64_t channels, double* sum) {
  for (std::int64_t m = first; m < last; ++m) {
    const T* row = in + m * channels;
    for (std::int64_t c = 0; c < channels; ++c) sum[c] += static_cast<double>(row[c]);
  }
}

// sum[c] += (x[m, c] - mean[c])^2
template <typename T>
ENGINE_VECTOR_CLONES void add_squared_deviations(const T* in, std::int64_t first, std::int64_t last,
                                                 std::int64_t channels, const double* mu,
                                                 double* sum) {
  for (std::int64_t m = first; m < last; ++m) {
    const T* row = in + m * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      const double deviation = static_cast<double>(row[c]) - mu[c];
      sum[c] += deviation * deviation;
    }
  }
}

// y[m, c] = gamma[c] * (x[m, c] - mean[c]) * invstd[c] + beta[c]
template <typename T>
ENGINE_VECTOR_CLONES void normalize_rows(const T* in, T* out, std::int64_t first, std::int64_t last,
                                         std::int64_t channels, const double* mu,
                                         const double* inverse, const double* g, const double* b) {
  for (std::int64_t m = first; m < last; ++m) {
    const T* row = in + m * channels;
    T* result = out + m * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      const double normalised = (static_cast<double>(row[c]) - mu[c]) * inverse[c];
      result[c] = static_cast<T>(g[c] * normalised + b[c]);
    }
  }
}

// sum[c] += dy[m, c], sum[C + c] += dy[m, c] * x_hat[m, c]
template <typename T>
ENGINE_VECTOR_CLONES void add_gradient_sums(const T* in, const T* dy, std::int64_t first,
                                            std::int64_t last, std::int64_t channels,
                                            const double* mu, const double* inverse, double* sum) {
  double* sum_dy_xhat = sum + channels;
  for (std::int64_t m = first; m < last; ++m) {
    const T* x_row = in + m * channels;
    const T* dy_row = dy + m * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      const double normalised = (static_cast<double>(x_row[c]) - mu[c]) * inverse[c];
      sum[c] += dy_row[c];
      sum_dy_xhat[c] += dy_row[c] * normalised;
    }
  }
}

// grad_x[m, c] = f[c] * (dy[m, c] - (a[c] + x_hat[m, c] * b[c])) with batch statistics,
// f[c] * dy[m, c] without (backward() below says what f, a and b are).
template <typename T>
ENGINE_VECTOR_CLONES void input_gradient_rows(const T* in, const T* dy, T* dx, std::int64_t first,
                                              std::int64_t last, std::int64_t channels,
                                              bool batch_statistics, const double* mu,
                                              const double* inverse, const double* f,
                                              const double* a, const double* b) {
  for (std::int64_t m = first; m < last; ++m) {
    const T* x_row = in + m * channels;
    const T* dy_row = dy + m * channels;
    T* result = dx + m * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      double gradient = dy_row[c];
      if (batch_statistics) {
        const double normalised = (static_cast<double>(x_row[c]) - mu[c]) * inverse[c];
        gradient -= a[c] + normalised * b[c];
      }
      result[c] = static_cast<T>(f[c] * gradient);
    }
  }
}

template <typename T>
void train_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                   Tensor& running_var, const BatchNormConfig& config, Tensor& y,
                   Tensor& saved_mean, Tensor& saved_invstd) {
  const std::int64_t channels = x.size(3);
  const std::int64_t rows = rows_of(x);  // M; the contract guarantees M >= 2
  const T* in = x.data<T>();             // [M, C]
  const T* scale = gamma.data<T>();      // [C]
  const T* shift = beta.data<T>();       // [C]
  T* out = y.data<T>();                  // [M, C]
  T* run_mean = running_mean.data<T>();
  T* run_var = running_var.data<T>();
  T* mean_out = saved_mean.data<T>();
  T* invstd_out = saved_invstd.data<T>();
  const double momentum = config.momentum;

  std::vector<double> mean(channels), squares(channels), invstd(channels);
  sum_rows_by_blocks(
      rows, channels, 1,
      [&](std::int64_t first, std::int64_t last, double* sum) {
        add_rows(in, first, last, channels, sum);
      },
      mean.data());
  for (double& value : mean) value /= static_cast<double>(rows);
  // Two passes (mean, then squared deviations) so that a large mean does not cancel the
  // variance, as E[x^2] - E[x]^2 would.
  const double* mu = mean.data();
  sum_rows_by_blocks(
      rows, channels, 1,
      [&](std::int64_t first, std::int64_t last, double* sum) {
        add_squared_deviations(in, first, last, channels, mu, sum);
      },
      squares.data());
  for (std::int64_t c = 0; c < channels; ++c) {
    const double biased_variance = squares[c] / static_cast<double>(rows);
    const double unbiased_variance = squares[c] / static_cast<double>(rows - 1);
    invstd[c] = 1.0 / std::sqrt(biased_variance + config.eps);
    mean_out[c] = static_cast<T>(mean[c]);
    invstd_out[c] = static_cast<T>(invstd[c]);
    run_mean[c] = static_cast<T>((1.0 - momentum) * run_mean[c] + momentum * mean[c]);
    run_var[c] = static_cast<T>((1.0 - momentum) * run_var[c] + momentum * unbiased_variance);
  }
  // y = gamma * (x - mean) * invstd + beta
  const std::vector<double> gamma_values = as_doubles(scale, channels);
  const std::vector<double> beta_values = as_doubles(shift, channels);
  const double *g = gamma_values.data(), *b = beta_values.data(), *inverse = invstd.data();
  for_row_ranges(rows, channels, [&](std::int64_t first, std::int64_t last) {
    normalize_rows(in, out, first, last, channels, mu, inverse, g, b);
  });
}

template <typename T>
void eval_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                  const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormConfig& config, Tensor& y, Tensor& saved_invstd) {
  const std::int64_t channels = x.size(3);
  const std::int64_t rows = rows_of(x);
  const T* in = x.data<T>();  // [M, C]
  const T* variance = running_var.data<T>();
  T* out = y.data<T>();
  T* invstd = saved_invstd.data<T>();
  for (std::int64_t c = 0; c < channels; ++c) {
    invstd[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(variance[c]) + config.eps));
  }
  const std::vector<double> mean_values = as_doubles(running_mean.data<T>(), channels);
  const std::vector<double> invstd_values = as_doubles(invstd, channels);
  const std::vector<double> gamma_values = as_doubles(gamma.data<T>(), channels);
  const std::vector<double> beta_values = as_doubles(beta.data<T>(), channels);
  const double *mean = mean_values.data(), *inverse = invstd_values.data();
  const double *g = gamma_values.data(), *b = beta_values.data();
  // Every element is independent here, so threads split the rows.
  for_row_ranges(rows, channels, [&](std::int64_t first, std::int64_t last) {
    normalize_rows(in, out, first, last, channels, mean, inverse, g, b);
  });
}

// With x_hat = (x - mean) * invstd and y = gamma * x_hat + beta:
//   grad_beta[c]  = sum_m dy[m, c]
//   grad_gamma[c] = sum_m dy[m, c] * x_hat[m, c]
// With batch statistics, mean and invstd are functions of x, and differentiating through them
// gives the training-mode gradient
//   grad_x = gamma * invstd * (dy - mean_m(dy) - x_hat * mean_m(dy * x_hat));
// without (evaluation), they are constants and grad_x = gamma * invstd * dy.
template <typename T>
void backward(const Tensor& grad_y, const Tensor& x, const Tensor& gamma, const Tensor& mean,
              const Tensor& invstd, bool batch_statistics, Tensor& grad_x, Tensor& grad_gamma,
              Tensor& grad_beta) {
  const std::int64_t channels = x.size(3);
  const std::int64_t rows = rows_of(x);
  const T* dy = grad_y.data<T>();  // [M, C]
  const T* in = x.data<T>();       // [M, C]
  T* dx = grad_x.data<T>();        // [M, C]
  T* dgamma = grad_gamma.data<T>();
  T* dbeta = grad_beta.data<T>();
  const std::vector<double> mean_values = as_doubles(mean.data<T>(), channels);
  const std::vector<double> invstd_values = as_doubles(invstd.data<T>(), channels);
  const double *mu = mean_values.data(), *inverse = invstd_values.data();

  // sums[c] = sum of dy, sums[C + c] = sum of dy * x_hat
  std::vector<double> sums(2 * channels);
  sum_rows_by_blocks(
      rows, channels, 2,
      [&](std::int64_t first, std::int64_t last, double* sum) {
        add_gradient_sums(in, dy, first, last, channels, mu, inverse, sum);
      },
      sums.data());
  const double count = static_cast<double>(rows);
  std::vector<double> factor(channels), mean_dy(channels), mean_dy_xhat(channels);
  for (std::int64_t c = 0; c < channels; ++c) {
    dbeta[c] = static_cast<T>(sums[c]);
    dgamma[c] = static_cast<T>(sums[channels + c]);
    factor[c] = static_cast<double>(gamma.data<T>()[c]) * inverse[c];
    mean_dy[c] = sums[c] / count;
    mean_dy_xhat[c] = sums[channels + c] / count;
  }
  const double *f = factor.data(), *a = mean_dy.data(), *b = mean_dy_xhat.data();
  for_row_ranges(rows, channels, [&](std::int64_t first, std::int64_t last) {
    input_gradient_rows(in, dy, dx, first, last, channels, batch_statistics, mu, inverse, f, a, b);
  });
}

}  // namespace

void batch_norm_train_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                              Tensor& running_mean, Tensor& running_var,
                              const BatchNormConfig& config, Tensor& y, Tensor& saved_mean,
                              Tensor& saved_invstd) {
  with_floating_type("batch_norm_train_forward", x.dtype(), [&](auto zero) {
    train_forward<decltype(zero)>(x, gamma, beta, running_mean, running_var, config, y, saved_mean,
                                  saved_invstd);
  });
}

void batch_norm_eval_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                             const Tensor& running_mean, const Tensor& running_var,
                             const BatchNormConfig& config, Tensor& y, Tensor& saved_invstd) {
  with_floating_type("batch_norm_eval_forward", x.dtype(), [&](auto zero) {
    eval_forward<decltype(zero)>(x, gamma, beta, running_mean, running_var, config, y,
                                 saved_invstd);
  });
}

void batch_norm_backward(const Tensor& grad_y, const Tensor& x, const Tensor& gamma,
                         const Tensor& mean, const Tensor& invstd, bool batch_statistics,
                         Tensor& grad_x, Tensor& grad_gamma, Tensor& grad_beta) {
  with_floating_type("batch_norm_backward", x.dtype(), [&](auto zero) {
    backward<decltype(zero)>(grad_y, x, gamma, mean, invstd, batch_statistics, grad_x, grad_gamma,
                             grad_beta);
  });
}

}  // namespace engine::kernels::cpu
