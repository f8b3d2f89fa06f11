// The cuDNN calls of the convolution ops (cudnn_calls.h). The algorithm names follow the order
// of the cudnnConvolution*Algo_t enumerations in cudnn_ops.h.
//
// cuDNN 9 marks this API deprecated (in favour of the graph API), and its headers warn about it
// when CUDNN_WARN_DEPRECATED is defined. It is still supported in cuDNN 9, covers every
// convolution the four networks need, and is far shorter to audit than the graph API, so the
// warning is silenced for this file only.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include <stdexcept>

#include "kernels/cuda/cudnn_calls.h"
#include "kernels/cuda/cudnn_check.h"

namespace engine::kernels::cuda {

namespace {

const char* const forward_names[] = {
    "IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT", "FFT", "FFT_TILING",
    "WINOGRAD",      "WINOGRAD_NONFUSED"};
const char* const backward_data_names[] = {"0",          "1",        "FFT",
                                           "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
const char* const backward_filter_names[] = {
    "0", "1", "FFT", "3", "WINOGRAD", "WINOGRAD_NONFUSED", "FFT_TILING"};

}  // namespace

const char* pass_name(ConvolutionPass pass) {
  switch (pass) {
    case ConvolutionPass::forward: return "conv2d_forward";
    case ConvolutionPass::backward_data: return "conv2d_grad_input";
    case ConvolutionPass::backward_filter: return "conv2d_grad_weight";
  }
  return "conv2d";
}

std::string algorithm_name(ConvolutionPass pass, int algorithm) {
  auto pick = [algorithm](const std::string& prefix, const char* const* names, int count) {
    if (algorithm >= 0 && algorithm < count) return prefix + names[algorithm];
    return prefix + "#" + std::to_string(algorithm);  // an algorithm newer than this list
  };
  switch (pass) {
    case ConvolutionPass::forward:
      return pick("CUDNN_CONVOLUTION_FWD_ALGO_", forward_names, CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
    case ConvolutionPass::backward_data:
      return pick("CUDNN_CONVOLUTION_BWD_DATA_ALGO_", backward_data_names,
                  CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT);
    case ConvolutionPass::backward_filter:
      return pick("CUDNN_CONVOLUTION_BWD_FILTER_ALGO_", backward_filter_names,
                  CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT);
  }
  return "unknown";
}

std::string math_name(cudnnMathType_t math) {
  switch (math) {
    case CUDNN_DEFAULT_MATH: return "CUDNN_DEFAULT_MATH";
    case CUDNN_TENSOR_OP_MATH: return "CUDNN_TENSOR_OP_MATH";
    case CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION: return "CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION";
    case CUDNN_FMA_MATH: return "CUDNN_FMA_MATH";
  }
  return "math #" + std::to_string(static_cast<int>(math));
}

Descriptors::Descriptors(const ConvolutionProblem& problem) {
  try {
    create(problem);
  } catch (...) {
    release();
    throw;
  }
}

Descriptors::~Descriptors() { release(); }

void Descriptors::create(const ConvolutionProblem& p) {
  const cudnnDataType_t type = p.dtype == DType::Float64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
  const auto n = static_cast<int>(p.batch), c = static_cast<int>(p.channels),
             o = static_cast<int>(p.outputs);
  ENGINE_CUDNN_CHECK(cudnnCreateTensorDescriptor(&x));
  ENGINE_CUDNN_CHECK(cudnnCreateTensorDescriptor(&y));
  ENGINE_CUDNN_CHECK(cudnnCreateFilterDescriptor(&w));
  ENGINE_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&convolution));
  // cuDNN takes the extents in N, C, H, W order whatever the memory layout says.
  ENGINE_CUDNN_CHECK(cudnnSetTensor4dDescriptor(
      x, CUDNN_TENSOR_NHWC, type, n, c, static_cast<int>(p.height), static_cast<int>(p.width)));
  ENGINE_CUDNN_CHECK(cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NHWC, type, n, o,
                                                static_cast<int>(p.out_height),
                                                static_cast<int>(p.out_width)));
  ENGINE_CUDNN_CHECK(cudnnSetFilter4dDescriptor(
      w, type, CUDNN_TENSOR_NHWC, o, static_cast<int>(p.channels / p.groups),
      static_cast<int>(p.kernel_h), static_cast<int>(p.kernel_w)));
  ENGINE_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(
      convolution, static_cast<int>(p.pad_top), static_cast<int>(p.pad_left),
      static_cast<int>(p.stride_h), static_cast<int>(p.stride_w), 1, 1, CUDNN_CROSS_CORRELATION,
      type));
  ENGINE_CUDNN_CHECK(cudnnSetConvolutionGroupCount(convolution, static_cast<int>(p.groups)));
  // A wrong descriptor would show here first: cuDNN's output extents must be the engine's.
  int out_n = 0, out_c = 0, out_h = 0, out_w = 0;
  ENGINE_CUDNN_CHECK(
      cudnnGetConvolution2dForwardOutputDim(convolution, x, w, &out_n, &out_c, &out_h, &out_w));
  if (out_n != n || out_c != o || out_h != p.out_height || out_w != p.out_width) {
    throw std::logic_error("cuDNN computes a [" + std::to_string(out_n) + ", " +
                           std::to_string(out_h) + ", " + std::to_string(out_w) + ", " +
                           std::to_string(out_c) + "] output for " + p.describe());
  }
}

// Unchecked: a release path must not throw, and destroying a valid descriptor cannot fail.
void Descriptors::release() noexcept {
  if (convolution != nullptr) cudnnDestroyConvolutionDescriptor(convolution);
  if (w != nullptr) cudnnDestroyFilterDescriptor(w);
  if (y != nullptr) cudnnDestroyTensorDescriptor(y);
  if (x != nullptr) cudnnDestroyTensorDescriptor(x);
  convolution = nullptr;
  w = nullptr;
  x = y = nullptr;
}

namespace {

template <typename Performance>
std::vector<Candidate> candidates_from(const Performance* results, int count) {
  std::vector<Candidate> candidates;
  for (int i = 0; i < count; ++i) {
    candidates.push_back({static_cast<int>(results[i].algo), results[i].status, results[i].time,
                          results[i].memory, results[i].determinism, results[i].mathType});
  }
  return candidates;
}

}  // namespace

cudnnStatus_t rank_by_heuristics(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d,
                                 std::vector<Candidate>& ranked) {
  int count = 0;
  cudnnStatus_t status = CUDNN_STATUS_SUCCESS;
  switch (pass) {
    case ConvolutionPass::forward: {
      cudnnConvolutionFwdAlgoPerf_t results[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
      status = ENGINE_CUDNN_ANSWER(cudnnGetConvolutionForwardAlgorithm_v7(
          handle, d.x, d.w, d.convolution, d.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, results));
      if (status == CUDNN_STATUS_SUCCESS) ranked = candidates_from(results, count);
      break;
    }
    case ConvolutionPass::backward_data: {
      cudnnConvolutionBwdDataAlgoPerf_t results[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
      status = ENGINE_CUDNN_ANSWER(cudnnGetConvolutionBackwardDataAlgorithm_v7(
          handle, d.w, d.y, d.convolution, d.x, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count,
          results));
      if (status == CUDNN_STATUS_SUCCESS) ranked = candidates_from(results, count);
      break;
    }
    case ConvolutionPass::backward_filter: {
      cudnnConvolutionBwdFilterAlgoPerf_t results[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
      status = ENGINE_CUDNN_ANSWER(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
          handle, d.x, d.y, d.convolution, d.w, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count,
          results));
      if (status == CUDNN_STATUS_SUCCESS) ranked = candidates_from(results, count);
      break;
    }
  }
  return status;
}

cudnnStatus_t rank_by_measurement(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d,
                                  const ConvolutionBuffers& b, void* workspace, std::size_t bytes,
                                  std::vector<Candidate>& ranked) {
  int count = 0;
  cudnnStatus_t status = CUDNN_STATUS_SUCCESS;
  switch (pass) {
    case ConvolutionPass::forward: {
      cudnnConvolutionFwdAlgoPerf_t results[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
      status = ENGINE_CUDNN_ANSWER(cudnnFindConvolutionForwardAlgorithmEx(
          handle, d.x, b.x, d.w, b.w, d.convolution, d.y, b.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
          &count, results, workspace, bytes));
      if (status == CUDNN_STATUS_SUCCESS) ranked = candidates_from(results, count);
      break;
    }
    case ConvolutionPass::backward_data: {
      cudnnConvolutionBwdDataAlgoPerf_t results[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
      status = ENGINE_CUDNN_ANSWER(cudnnFindConvolutionBackwardDataAlgorithmEx(
          handle, d.w, b.w, d.y, b.y, d.convolution, d.x, b.x,
          CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count, results, workspace, bytes));
      if (status == CUDNN_STATUS_SUCCESS) ranked = candidates_from(results, count);
      break;
    }
    case ConvolutionPass::backward_filter: {
      cudnnConvolutionBwdFilterAlgoPerf_t results[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
      status = ENGINE_CUDNN_ANSWER(cudnnFindConvolutionBackwardFilterAlgorithmEx(
          handle, d.x, b.x, d.y, b.y, d.convolution, d.w, b.w,
          CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count, results, workspace, bytes));
      if (status == CUDNN_STATUS_SUCCESS) ranked = candidates_from(results, count);
      break;
    }
  }
  return status;
}

cudnnStatus_t workspace_size(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d,
                             int algorithm, std::size_t* bytes) {
  switch (pass) {
    case ConvolutionPass::forward:
      return ENGINE_CUDNN_ANSWER(cudnnGetConvolutionForwardWorkspaceSize(
          handle, d.x, d.w, d.convolution, d.y, static_cast<cudnnConvolutionFwdAlgo_t>(algorithm),
          bytes));
    case ConvolutionPass::backward_data:
      return ENGINE_CUDNN_ANSWER(cudnnGetConvolutionBackwardDataWorkspaceSize(
          handle, d.w, d.y, d.convolution, d.x,
          static_cast<cudnnConvolutionBwdDataAlgo_t>(algorithm), bytes));
    case ConvolutionPass::backward_filter:
      return ENGINE_CUDNN_ANSWER(cudnnGetConvolutionBackwardFilterWorkspaceSize(
          handle, d.x, d.y, d.convolution, d.w,
          static_cast<cudnnConvolutionBwdFilterAlgo_t>(algorithm), bytes));
  }
  return CUDNN_STATUS_NOT_SUPPORTED;
}

void execute(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d, DType dtype,
             int algorithm, const ConvolutionBuffers& b, void* workspace, std::size_t bytes) {
  // cuDNN reads the scaling factors in the precision of the data for float64, in float otherwise.
  const float float_one = 1.0f, float_zero = 0.0f;
  const double double_one = 1.0, double_zero = 0.0;
  const bool wide = dtype == DType::Float64;
  const void* one = wide ? static_cast<const void*>(&double_one) : &float_one;
  const void* zero = wide ? static_cast<const void*>(&double_zero) : &float_zero;
  switch (pass) {
    case ConvolutionPass::forward:
      ENGINE_CUDNN_CHECK(cudnnConvolutionForward(handle, one, d.x, b.x, d.w, b.w, d.convolution,
                                                 static_cast<cudnnConvolutionFwdAlgo_t>(algorithm),
                                                 workspace, bytes, zero, d.y, b.y));
      return;
    case ConvolutionPass::backward_data:
      ENGINE_CUDNN_CHECK(cudnnConvolutionBackwardData(
          handle, one, d.w, b.w, d.y, b.y, d.convolution,
          static_cast<cudnnConvolutionBwdDataAlgo_t>(algorithm), workspace, bytes, zero, d.x, b.x));
      return;
    case ConvolutionPass::backward_filter:
      ENGINE_CUDNN_CHECK(
          cudnnConvolutionBackwardFilter(handle, one, d.x, b.x, d.y, b.y, d.convolution,
                                         static_cast<cudnnConvolutionBwdFilterAlgo_t>(algorithm),
                                         workspace, bytes, zero, d.w, b.w));
      return;
  }
}

}  // namespace engine::kernels::cuda
