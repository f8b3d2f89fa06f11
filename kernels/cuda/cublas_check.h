// Every cuBLAS call goes through ENGINE_CUBLAS_CHECK, which throws with the call's text, the file,
// the line and cuBLAS's status name and description. (A macro because only a macro can capture
// the call's text and location; it adds nothing else.)
#pragma once

#include <cublas_v2.h>

#include <stdexcept>
#include <string>

namespace engine::cuda_detail {

inline void check_cublas(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("cuBLAS error ") + cublasGetStatusName(status) + " (" +
                             cublasGetStatusString(status) + ") in " + call + " at " + file + ":" +
                             std::to_string(line));
  }
}

}  // namespace engine::cuda_detail

#define ENGINE_CUBLAS_CHECK(call) \
  ::engine::cuda_detail::check_cublas((call), #call, __FILE__, __LINE__)
