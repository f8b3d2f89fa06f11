// The keep-or-drop decision of dropout and drop_path, written once for every device: the CPU
// backend and the CUDA kernels both include this header, so their masks agree bit for bit.
// (Compiles under nvcc as C++17, like philox.h.)
#pragma once

#include <cstdint>

#include "util/philox.h"

namespace engine::random {

// Draw `index` of the stream (element i for dropout, sample n for drop_path) is kept when its
// uniform value is at least p. The comparison is in double: the draw, a multiple of 2^-24, is
// exact there, and p is used exactly as given (rounding p to float could move it past a draw).
ENGINE_HOST_DEVICE inline bool kept(std::uint64_t seed, std::uint64_t offset, std::uint64_t index,
                                    double p) {
  return static_cast<double>(uniform(seed, offset, index)) >= p;
}

// What kept values are multiplied by, so that the expected output equals the input.
ENGINE_HOST_DEVICE inline double keep_scale(double p) { return 1.0 / (1.0 - p); }

}  // namespace engine::random
