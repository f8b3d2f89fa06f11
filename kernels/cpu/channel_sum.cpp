// CPU: channel_sum, the bias gradient of conv2d and linear.
//
//   output[c] = sum over every leading index r of input[r, c]     (input seen as [R, C])
//
// Each channel's sum runs in float64 over r ascending, on one thread: threads take disjoint
// channel ranges and each walks every row, so the bits do not depend on the thread count.
#include <algorithm>

#include "kernels/backend.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

void channel_sum(const Tensor& input, Tensor& output) {
  with_floating_type("channel_sum", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t channels = input.size(-1);
    const std::int64_t rows = channels == 0 ? 0 : input.numel() / channels;
    Tensor totals = Tensor::empty({channels}, DType::Float64);  // caching-allocator scratch
    const T* in = input.data<T>();
    double* total = totals.data<double>();
    T* out = output.data<T>();
    // At least 16 channels per thread keep the inner loop a vector loop.
    parallel_for(channels, std::max<std::int64_t>(16, grain_for(rows)),
                 [&](std::int64_t first, std::int64_t last) {
                   std::fill(total + first, total + last, 0.0);
                   for (std::int64_t r = 0; r < rows; ++r) {
                     const T* row = in + r * channels;
                     for (std::int64_t c = first; c < last; ++c)
                       total[c] += static_cast<double>(row[c]);
                   }
                   for (std::int64_t c = first; c < last; ++c) out[c] = static_cast<T>(total[c]);
                 });
  });
}

}  // namespace engine::kernels::cpu
