// How finely a CPU kernel lets parallel_for cut a loop.
#pragma once

#include <algorithm>
#include <cstdint>

namespace engine::kernels::cpu {

// The grain for a loop whose every index reads about `values_per_index` values: enough indices
// per thread that each thread reads about 32k values, so small tensors stay on one thread.
inline std::int64_t grain_for(std::int64_t values_per_index) {
  return std::max<std::int64_t>(
      1, (std::int64_t{1} << 15) / std::max<std::int64_t>(1, values_per_index));
}

}  // namespace engine::kernels::cpu
