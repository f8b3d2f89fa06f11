// CUDA: sum_forward, sum_backward, squared_norm and channel_sum. Every sum runs in float64 through
// column_sums.cuh, whose order of additions depends on the shape only (no atomics), so the bits
// are the same on every run. The order differs from the CPU's single sequential pass, so the two
// backends agree to float64 rounding before the final rounding to the tensor's dtype.
#include "kernels/backend.h"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

template <typename T>
struct Values {  // x[i]
  const T* x;
  __device__ double operator()(std::int64_t i) const { return static_cast<double>(x[i]); }
};

template <typename T>
struct Squares {  // x[i]^2
  const T* x;
  __device__ double operator()(std::int64_t i) const {
    return static_cast<double>(x[i]) * static_cast<double>(x[i]);
  }
};

template <typename T>
struct ChannelValues {  // input [rows, channels]
  const T* input;
  std::int64_t channels;
  __device__ double operator()(std::int64_t, std::int64_t row, std::int64_t channel) const {
    return static_cast<double>(input[row * channels + channel]);
  }
};

// out[0] = factor * total[0], rounded once to T.
template <typename T>
__global__ void write_scaled_total(const double* total, double factor, T* out) {
  out[0] = static_cast<T>(factor * total[0]);
}

// out[i] = factor * grad_output[0], the same value everywhere.
template <typename T>
__global__ void broadcast_scaled(const T* grad_output, double factor, std::int64_t count, T* out) {
  const T value = static_cast<T>(factor * static_cast<double>(grad_output[0]));
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) out[i] = value;
}

// ---- launchers --------------------------------------------------------------------------------

template <typename T, typename FlatValues>
void write_whole_sum(Context& context, const FlatValues& values, std::int64_t count, double factor,
                     Tensor& output) {
  const Tensor total = whole_sum(context, values, count);
  write_scaled_total<T>
      <<<1, 1, 0, context.stream()>>>(total.data<double>(), factor, output.data<T>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void sum_forward(const Tensor& x, double factor, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type("sum_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    write_whole_sum<T>(context, Values<T>{x.data<T>()}, x.numel(), factor, output);
  });
}

void sum_backward(const Tensor& grad_output, double factor, Tensor& grad_x) {
  Context& context = Context::of(grad_x);
  with_floating_type("sum_backward", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = grad_x.numel();
    broadcast_scaled<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_output.data<T>(), factor, count, grad_x.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void squared_norm(const Tensor& input, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type("squared_norm", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    write_whole_sum<T>(context, Squares<T>{input.data<T>()}, input.numel(), 1.0, output);
  });
}

// output[c] = sum over every leading index r of input[r, c].
void channel_sum(const Tensor& input, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type("channel_sum", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t channels = input.size(-1);
    const std::int64_t rows = channels == 0 ? 0 : input.numel() / channels;
    const Tensor totals = column_sums(context, ChannelValues<T>{input.data<T>(), channels},
                                      ColumnShape{1, rows, channels});
    write_rounded<T>(context, totals, output);
  });
}

}  // namespace engine::kernels::cuda
