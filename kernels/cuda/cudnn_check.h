// Every cuDNN call goes through ENGINE_CUDNN_CHECK, which throws with the call's text, the file,
// the line, cuDNN's status name and cuDNN's own description of the last error. (A macro because
// only a macro can capture the call's text and location; it adds nothing else.) A status of the
// "not supported" category throws CudnnNotSupported, so that the convolution ops can tell "cuDNN
// cannot do this" (run engine_direct) from a failure.
#pragma once

#include <cudnn.h>

#include <stdexcept>
#include <string>

namespace engine::cuda_detail {

class CudnnNotSupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline std::string cudnn_message(cudnnStatus_t status, const char* call, const char* file,
                                 int line) {
  char detail[512] = "";
  cudnnGetLastErrorString(detail, sizeof detail);  // cuDNN 9: why, beyond the status code
  std::string message = std::string("cuDNN error ") + cudnnGetErrorString(status) + " in " + call +
                        " at " + file + ":" + std::to_string(line);
  if (detail[0] != '\0') message += " (" + std::string(detail) + ")";
  return message;
}

inline void check_cudnn(cudnnStatus_t status, const char* call, const char* file, int line) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  if (CUDNN_STATUS_CATEGORY(status) == CUDNN_STATUS_NOT_SUPPORTED) {
    throw CudnnNotSupported(cudnn_message(status, call, file, line));
  }
  throw std::runtime_error(cudnn_message(status, call, file, line));
}

}  // namespace engine::cuda_detail

#define ENGINE_CUDNN_CHECK(call) \
  ::engine::cuda_detail::check_cudnn((call), #call, __FILE__, __LINE__)

namespace engine::cuda_detail {

// For the calls that ask cuDNN what it supports: success and the "not supported" category are
// answers, returned to the caller; any other status is an error and throws as above.
inline cudnnStatus_t check_cudnn_answer(cudnnStatus_t status, const char* call, const char* file,
                                        int line) {
  if (status == CUDNN_STATUS_SUCCESS ||
      CUDNN_STATUS_CATEGORY(status) == CUDNN_STATUS_NOT_SUPPORTED) {
    return status;
  }
  throw std::runtime_error(cudnn_message(status, call, file, line));
}

}  // namespace engine::cuda_detail

#define ENGINE_CUDNN_ANSWER(call) \
  ::engine::cuda_detail::check_cudnn_answer((call), #call, __FILE__, __LINE__)
