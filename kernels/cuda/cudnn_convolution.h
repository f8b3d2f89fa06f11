// The cuDNN side of the convolution ops: descriptors, the algorithm choice, the call.
//
// Algorithm choice, once per (pass, problem, mode), cached for the process:
// - deterministic mode: cuDNN's heuristic ranking (cudnnGet*Algorithm_v7) with the convolution
//   descriptor set to CUDNN_FMA_MATH (no TF32 tensor cores), and the first candidate that
//   succeeded, is reported CUDNN_DETERMINISTIC and uses FMA math (or default math for float64,
//   where TF32 does not exist);
// - fast mode: cuDNN's benchmark (cudnnFind*AlgorithmEx, on the real buffers) with default math
//   (TF32 allowed), and its fastest successful candidate.
// Every choice goes to algorithm_choices() (mode.h) with the candidates passed over and why, and
// every call notes "algorithm", "math" and "mode" on its trace line. When no candidate is
// acceptable, or the caller says cuDNN cannot express the problem, the choice is "engine_direct"
// and the caller runs the direct kernels (convolution_direct.h).
// When the chosen algorithm fails to execute (cuDNN refuses a combination its ranking offered,
// e.g. for float64 NHWC, depthwise or odd channel counts, or its workspace cannot be allocated),
// the next acceptable candidate runs, then engine_direct; what worked replaces the cached choice,
// is added to algorithm_choices() with the failures as its reason, and the call's trace line
// notes the failures as "fallback". A failure of engine_direct itself is thrown.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/cuda/context.h"
#include "tensor/tensor.h"

namespace engine::kernels::cuda {

enum class ConvolutionPass { forward, backward_data, backward_filter };

// One convolution in cuDNN's terms (NHWC activations, OHWI weights). The padding is kept per
// side so that the problem describes itself fully; cuDNN only sees it when it is symmetric.
struct ConvolutionProblem {
  DType dtype = DType::Float32;
  std::int64_t batch = 0, height = 0, width = 0, channels = 0;
  std::int64_t outputs = 0, out_height = 0, out_width = 0;
  std::int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0, groups = 1;
  // "float32 x[8,56,56,64] w[64,3,3,64] stride 1x1 pad 1,1,1,1 groups 1"
  std::string describe() const;
};

// The three buffers of a pass: x is the input (forward, backward_filter) or the input's gradient
// (written by backward_data); w the weight or its gradient (written by backward_filter); y the
// output (written by forward) or the output's gradient (read by both backward passes).
struct ConvolutionBuffers {
  void* x;
  void* w;
  void* y;
};

// Runs `pass` with cuDNN and returns true; returns false, having written nothing, when the
// choice is engine_direct: when `direct_reason` is not empty (the caller knows cuDNN cannot take
// the problem), or when cuDNN offers no acceptable algorithm.
bool run_with_cudnn(Context& context, ConvolutionPass pass, const ConvolutionProblem& problem,
                    const ConvolutionBuffers& buffers, const std::string& direct_reason);

}  // namespace engine::kernels::cuda
