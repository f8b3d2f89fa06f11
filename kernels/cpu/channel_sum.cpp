// CPU: channel_sum, the bias gradient of conv2d and linear.
//
//   output[c] = sum over every leading index r of input[r, c]     (input seen as [R, C])
//
// Each channel's sum runs in float64 over fixed blocks of consecutive rows, vectorised over the
// contiguous channels, and the block totals are added in block order (channel_reduction.h): the
// order depends on the shape only, so the bits do not depend on the thread count.
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/channel_reduction.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

void channel_sum(const Tensor& input, Tensor& output) {
  with_floating_type("channel_sum", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t channels = input.size(-1);
    const std::int64_t rows = channels == 0 ? 0 : input.numel() / channels;
    const T* in = input.data<T>();
    std::vector<double> totals(static_cast<std::size_t>(channels));
    sum_rows_by_blocks(
        rows, channels, 1,
        [&](std::int64_t first, std::int64_t last, double* sum) {
          for (std::int64_t r = first; r < last; ++r) {
            const T* row = in + r * channels;
            for (std::int64_t c = 0; c < channels; ++c) sum[c] += static_cast<double>(row[c]);
          }
        },
        totals.data());
    T* out = output.data<T>();
    for (std::int64_t c = 0; c < channels; ++c) out[c] = static_cast<T>(totals[c]);
  });
}

}  // namespace engine::kernels::cpu
