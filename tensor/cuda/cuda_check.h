// Every CUDA runtime call goes through ENGINE_CUDA_CHECK, which throws with the call's text, the
// file, the line and CUDA's own message. (A macro because only a macro can capture the call's
// text and location; it adds nothing else.)
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace engine::cuda_detail {

inline void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(status) + " (" +
                             cudaGetErrorString(status) + ") in " + call + " at " + file + ":" +
                             std::to_string(line));
  }
}

}  // namespace engine::cuda_detail

#define ENGINE_CUDA_CHECK(call) ::engine::cuda_detail::check((call), #call, __FILE__, __LINE__)
