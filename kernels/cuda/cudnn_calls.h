// Every cuDNN call of the convolution ops, through the legacy API (cudnnConvolutionForward /
// BackwardData / BackwardFilter and their algorithm queries): NHWC tensor descriptors,
// CUDNN_TENSOR_NHWC filter descriptors (KRSC, which is the engine's OHWI), groups through
// cudnnSetConvolutionGroupCount. cudnn_convolution.cu decides which algorithm runs.
//
// Calls that ask cuDNN a question (rankings, workspace sizes) return its answer, success or "not
// supported"; any other status throws, naming the call (cudnn_check.h).
// Files that include this header silence -Wdeprecated-declarations first (see cudnn_calls.cu).
#pragma once

#include <cudnn.h>

#include <cstddef>
#include <string>
#include <vector>

#include "kernels/cuda/cudnn_convolution.h"

namespace engine::kernels::cuda {

// The descriptors of one problem (which must have symmetric padding), destroyed with this object.
// The constructor checks that cuDNN computes the engine's output extents.
class Descriptors {
 public:
  explicit Descriptors(const ConvolutionProblem& problem);
  ~Descriptors();
  Descriptors(const Descriptors&) = delete;
  Descriptors& operator=(const Descriptors&) = delete;

  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t convolution = nullptr;

 private:
  void create(const ConvolutionProblem& problem);
  void release() noexcept;
};

// One entry of cuDNN's ranking, whichever pass it ranks.
struct Candidate {
  int algorithm;
  cudnnStatus_t status;
  float milliseconds;
  std::size_t memory;
  cudnnDeterminism_t determinism;
  cudnnMathType_t math;
};

const char* pass_name(ConvolutionPass pass);  // the op: "conv2d_forward", ...
std::string algorithm_name(ConvolutionPass pass, int algorithm);
std::string math_name(cudnnMathType_t math);

// cuDNN's heuristic ranking for the descriptor's current math type (nothing runs).
cudnnStatus_t rank_by_heuristics(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d,
                                 std::vector<Candidate>& ranked);
// cuDNN's benchmark: every algorithm runs on the real buffers (overwriting the pass's output,
// which the chosen algorithm then writes again), fastest first.
cudnnStatus_t rank_by_measurement(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d,
                                  const ConvolutionBuffers& buffers, void* workspace,
                                  std::size_t bytes, std::vector<Candidate>& ranked);
cudnnStatus_t workspace_size(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d,
                             int algorithm, std::size_t* bytes);
// Runs the pass (output = 1 * convolution + 0 * output); throws on any failure.
void execute(cudnnHandle_t handle, ConvolutionPass pass, const Descriptors& d, DType dtype,
             int algorithm, const ConvolutionBuffers& buffers, void* workspace, std::size_t bytes);

}  // namespace engine::kernels::cuda
