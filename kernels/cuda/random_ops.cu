// CUDA: dropout and drop_path (stochastic depth), forward and backward.
//
// The keep decision is kernels/dropout_mask.h, the very function the CPU backend calls, on the
// same counter-based draws (util/philox.h): element i (dropout) or sample n (drop_path) of a
// call with stream (seed, offset) is kept on the GPU exactly when it is kept on the CPU, and the
// backward pass regenerates the forward's mask instead of storing it.
#include <algorithm>

#include "kernels/backend.h"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "kernels/dropout_mask.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

// out[i] = in[i] * (kept(i / elements_per_draw) ? scale : 0). Multiplied by 0 rather than
// replaced by 0, as on the CPU and in PyTorch: a NaN in a dropped element still shows.
template <typename T>
__global__ void apply_mask(const T* in, std::uint64_t seed, std::uint64_t offset, double p, T scale,
                           std::int64_t elements_per_draw, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const auto draw = static_cast<std::uint64_t>(i / elements_per_draw);
    out[i] = in[i] * (random::kept(seed, offset, draw, p) ? scale : T(0));
  }
}

// ---- launchers --------------------------------------------------------------------------------

void launch_mask(const char* op, const Tensor& input, double p, const RandomStream& stream,
                 std::int64_t elements_per_draw, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type(op, input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = input.numel();
    const T scale = static_cast<T>(random::keep_scale(p));  // rounded on the host, as the CPU
    apply_mask<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        input.data<T>(), stream.seed, stream.offset, p, scale, elements_per_draw, count,
        output.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

// Elements per sample of x [N, ...]; at least 1, as on the CPU.
std::int64_t elements_per_sample(const Tensor& x) {
  return std::max<std::int64_t>(1, x.numel() / std::max<std::int64_t>(1, x.size(0)));
}

}  // namespace

void dropout_forward(const Tensor& x, double p, const RandomStream& stream, Tensor& y) {
  launch_mask("dropout_forward", x, p, stream, 1, y);
}

void dropout_backward(const Tensor& grad_y, double p, const RandomStream& stream, Tensor& grad_x) {
  launch_mask("dropout_backward", grad_y, p, stream, 1, grad_x);
}

void drop_path_forward(const Tensor& x, double p, const RandomStream& stream, Tensor& y) {
  launch_mask("drop_path_forward", x, p, stream, elements_per_sample(x), y);
}

void drop_path_backward(const Tensor& grad_y, double p, const RandomStream& stream,
                        Tensor& grad_x) {
  launch_mask("drop_path_backward", grad_y, p, stream, elements_per_sample(grad_y), grad_x);
}

}  // namespace engine::kernels::cuda
