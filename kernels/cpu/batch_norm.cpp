// CPU: batch normalisation of NHWC tensors, per channel over N, H and W, as PyTorch's
// BatchNorm2d computes it.
//
// x is read as M = N * H * W rows of C channels: x[m, c]. Per-channel sums run down the rows
// m = 0 .. M-1 in order and in float64. Threads split the channels, never the rows, so each
// sum has one fixed order and the results are bitwise identical for any thread count.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

namespace {

// M = N * H * W, the values per channel (0 for a tensor without channels, not a division by 0).
std::int64_t rows_of(const Tensor& x) { return x.size(3) == 0 ? 0 : x.numel() / x.size(3); }

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

  parallel_for(channels, grain_for(rows), [&](std::int64_t begin, std::int64_t end) {
    // Statistics of channels [begin, end), indexed c - begin.
    std::vector<double> mean(end - begin, 0.0), squares(end - begin, 0.0);
    for (std::int64_t m = 0; m < rows; ++m) {
      for (std::int64_t c = begin; c < end; ++c) mean[c - begin] += in[m * channels + c];
    }
    for (double& value : mean) value /= static_cast<double>(rows);
    // Two passes (mean, then squared deviations) so that a large mean does not cancel the
    // variance, as E[x^2] - E[x]^2 would.
    for (std::int64_t m = 0; m < rows; ++m) {
      for (std::int64_t c = begin; c < end; ++c) {
        const double deviation = in[m * channels + c] - mean[c - begin];
        squares[c - begin] += deviation * deviation;
      }
    }
    std::vector<double> invstd(end - begin);
    for (std::int64_t c = begin; c < end; ++c) {
      const double biased_variance = squares[c - begin] / static_cast<double>(rows);
      const double unbiased_variance = squares[c - begin] / static_cast<double>(rows - 1);
      invstd[c - begin] = 1.0 / std::sqrt(biased_variance + config.eps);
      mean_out[c] = static_cast<T>(mean[c - begin]);
      invstd_out[c] = static_cast<T>(invstd[c - begin]);
      run_mean[c] = static_cast<T>((1.0 - momentum) * run_mean[c] + momentum * mean[c - begin]);
      run_var[c] = static_cast<T>((1.0 - momentum) * run_var[c] + momentum * unbiased_variance);
    }
    // y = gamma * (x - mean) * invstd + beta
    for (std::int64_t m = 0; m < rows; ++m) {
      for (std::int64_t c = begin; c < end; ++c) {
        const double normalised = (in[m * channels + c] - mean[c - begin]) * invstd[c - begin];
        out[m * channels + c] = static_cast<T>(scale[c] * normalised + shift[c]);
      }
    }
  });
}

template <typename T>
void eval_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                  const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormConfig& config, Tensor& y, Tensor& saved_invstd) {
  const std::int64_t channels = x.size(3);
  const std::int64_t rows = rows_of(x);
  const T* in = x.data<T>();  // [M, C]
  const T* scale = gamma.data<T>();
  const T* shift = beta.data<T>();
  const T* mean = running_mean.data<T>();
  const T* variance = running_var.data<T>();
  T* out = y.data<T>();
  T* invstd = saved_invstd.data<T>();
  for (std::int64_t c = 0; c < channels; ++c) {
    invstd[c] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(variance[c]) + config.eps));
  }
  // Every element is independent here, so threads may split the rows.
  parallel_for(rows, grain_for(channels), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t m = begin; m < end; ++m) {
      for (std::int64_t c = 0; c < channels; ++c) {
        const double normalised = (static_cast<double>(in[m * channels + c]) - mean[c]) * invstd[c];
        out[m * channels + c] = static_cast<T>(scale[c] * normalised + shift[c]);
      }
    }
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
  const T* scale = gamma.data<T>();
  const T* mu = mean.data<T>();
  const T* inverse_std = invstd.data<T>();
  T* dx = grad_x.data<T>();  // [M, C]
  T* dgamma = grad_gamma.data<T>();
  T* dbeta = grad_beta.data<T>();

  parallel_for(channels, grain_for(rows), [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> sum_dy(end - begin, 0.0), sum_dy_xhat(end - begin, 0.0);
    for (std::int64_t m = 0; m < rows; ++m) {
      for (std::int64_t c = begin; c < end; ++c) {
        const double normalised =
            (static_cast<double>(in[m * channels + c]) - mu[c]) * inverse_std[c];
        sum_dy[c - begin] += dy[m * channels + c];
        sum_dy_xhat[c - begin] += dy[m * channels + c] * normalised;
      }
    }
    for (std::int64_t c = begin; c < end; ++c) {
      dbeta[c] = static_cast<T>(sum_dy[c - begin]);
      dgamma[c] = static_cast<T>(sum_dy_xhat[c - begin]);
    }
    const double count = static_cast<double>(rows);
    for (std::int64_t m = 0; m < rows; ++m) {
      for (std::int64_t c = begin; c < end; ++c) {
        const double factor = static_cast<double>(scale[c]) * inverse_std[c];
        double gradient = dy[m * channels + c];
        if (batch_statistics) {
          const double normalised =
              (static_cast<double>(in[m * channels + c]) - mu[c]) * inverse_std[c];
          gradient -= sum_dy[c - begin] / count + normalised * sum_dy_xhat[c - begin] / count;
        }
        dx[m * channels + c] = static_cast<T>(factor * gradient);
      }
    }
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
