// What every kernel file of the CUDA backend shares: the grid arithmetic of one-thread-per-element
// kernels, 64-bit grid-stride indexing, and running a templated launcher for a tensor's dtype.
// C++17 (included by .cu files only).
//
// Kernels loop with a grid stride over 64-bit indices, so any element count works with a grid
// capped at `maximum_blocks`, and no index computation can overflow 32 bits. Launchers compute
// the grid, launch on the context's stream and check the launch right after:
//   kernel<<<blocks_for(count), threads_per_block, 0, context.stream()>>>(...);
//   ENGINE_CUDA_CHECK(cudaGetLastError());
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "tensor/tensor.h"

namespace engine::kernels::cuda {

constexpr int threads_per_block = 256;
// 2^16 blocks of 256 threads keep every SM of an H100 busy many times over; beyond that the
// grid-stride loops take more than one element per thread.
constexpr std::int64_t maximum_blocks = std::int64_t{1} << 16;

// Blocks for a grid-stride loop over `count` elements (at least one, so a launch is always valid).
inline unsigned int blocks_for(std::int64_t count) {
  const std::int64_t needed = (count + threads_per_block - 1) / threads_per_block;
  return static_cast<unsigned int>(std::clamp<std::int64_t>(needed, 1, maximum_blocks));
}

// The first index of this thread and the stride of the grid, in 64 bits (blockIdx.x * blockDim.x
// alone is a 32-bit product).
__device__ inline std::int64_t first_index() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline std::int64_t grid_stride() {
  return static_cast<std::int64_t>(blockDim.x) * gridDim.x;
}

// Runs body(float{}) or body(double{}) for the tensor's dtype: the CUDA kernels are templates on
// the element type, like the CPU's. Other dtypes are a caller's bug (the contracts admit only
// these two).
template <typename Body>
void with_floating_type(const char* op, DType dtype, Body&& body) {
  switch (dtype) {
    case DType::Float32: body(float{}); return;
    case DType::Float64: body(double{}); return;
    default:
      throw std::invalid_argument(std::string(op) + ": the CUDA backend computes in float32 or " +
                                  "float64, not " + name_of(dtype));
  }
}

}  // namespace engine::kernels::cuda
