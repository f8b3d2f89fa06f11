// CPU: dropout and drop_path (stochastic depth), forward and backward.
//
// Both multiply their input by a mask: 1 / (1 - p) where kept, 0 where dropped. Dropout draws
// once per element, drop_path once per sample (every element of sample n shares draw n). The
// draws come from the counter-based generator (kernels/dropout_mask.h), so a mask depends only
// on (seed, offset, index): the backward pass regenerates exactly the forward's mask instead of
// storing it, and thread count and device do not change it.
#include <algorithm>

#include "kernels/backend.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"
#include "kernels/dropout_mask.h"

namespace engine::kernels::cpu {

namespace {

// output[i] = input[i] * mask(i / elements_per_draw), over the flat element index i.
void apply_mask(const char* op, const Tensor& input, double p, const RandomStream& stream,
                std::int64_t elements_per_draw, Tensor& output) {
  with_floating_type(op, input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = input.data<T>();
    T* out = output.data<T>();
    const T scale = static_cast<T>(random::keep_scale(p));
    // One draw per run of elements_per_draw elements (a whole sample for drop_path), not one
    // per element: the draw is a Philox evaluation, far dearer than the multiplication.
    const auto range = [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end;) {
        const std::int64_t draw = i / elements_per_draw;
        const std::int64_t run_end = std::min(end, (draw + 1) * elements_per_draw);
        // Multiplied by 0 rather than replaced by 0, as in PyTorch: a NaN or infinity in a
        // dropped element still shows in the output instead of being hidden.
        const T factor =
            random::kept(stream.seed, stream.offset, static_cast<std::uint64_t>(draw), p) ? scale
                                                                                          : T(0);
        for (; i < run_end; ++i) out[i] = in[i] * factor;
      }
    };
    parallel_for(input.numel(), grain_for(1), range);
  });
}

// Elements per sample of x [N, ...]; at least 1, so that an empty tensor divides safely (it has
// no elements to mask anyway).
std::int64_t elements_per_sample(const Tensor& x) {
  return std::max<std::int64_t>(1, x.numel() / std::max<std::int64_t>(1, x.size(0)));
}

}  // namespace

void dropout_forward(const Tensor& x, double p, const RandomStream& stream, Tensor& y) {
  apply_mask("dropout_forward", x, p, stream, 1, y);
}

// y = x * mask, so grad_x = grad_y * mask with the same mask.
void dropout_backward(const Tensor& grad_y, double p, const RandomStream& stream, Tensor& grad_x) {
  apply_mask("dropout_backward", grad_y, p, stream, 1, grad_x);
}

void drop_path_forward(const Tensor& x, double p, const RandomStream& stream, Tensor& y) {
  apply_mask("drop_path_forward", x, p, stream, elements_per_sample(x), y);
}

void drop_path_backward(const Tensor& grad_y, double p, const RandomStream& stream,
                        Tensor& grad_x) {
  apply_mask("drop_path_backward", grad_y, p, stream, elements_per_sample(grad_y), grad_x);
}

}  // namespace engine::kernels::cpu
