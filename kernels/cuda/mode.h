// How the CUDA backend may compute, and what it chose: the API the apps use to select the
// determinism mode and to write it, the library versions and the convolution algorithms into
// their run records. No CUDA header is needed to include this (apps are plain C++20; the .cu
// files that include it are C++17).
//
// A CPU-only build provides the same functions from kernels/no_cuda (the mode is still settable
// there, nothing is ever chosen, and the versions say "built without CUDA").
#pragma once

#include <string>
#include <vector>

namespace engine::kernels::cuda {

// Deterministic mode (the default, what an auditor runs): the same inputs give bitwise-identical
// outputs on the same GPU model with the same library versions. cuDNN convolutions use only
// algorithms cuDNN reports as deterministic, with FMA math (no TF32 tensor cores); cuBLAS uses its
// default math (no TF32); every reduction of the handwritten kernels has a fixed order and no
// atomics (that holds in both modes).
// Fast mode: cuDNN benchmarks every algorithm once per convolution shape (cudnnFind*) and keeps
// the fastest, TF32 tensor cores are allowed in cuDNN and cuBLAS. Results may then differ from
// run to run in the last bits, and from the CPU by TF32's 10-bit mantissa.
// The mode is process-wide (like torch.backends.cudnn.deterministic) and is read at every call.
void set_deterministic(bool deterministic);
bool deterministic();
const char* mode_name();  // "deterministic" or "fast"

// One algorithm choice of a convolution op, made once per distinct problem and mode.
struct AlgorithmChoice {
  std::string op;         // "conv2d_forward", "conv2d_grad_input" or "conv2d_grad_weight"
  std::string problem;    // dtype, x, weight and geometry, e.g. "float32 x[8,56,56,64] w[...]..."
  std::string mode;       // "deterministic" or "fast"
  std::string algorithm;  // "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM", or "engine_direct"
  std::string math;       // "CUDNN_FMA_MATH", "CUDNN_DEFAULT_MATH", ... ("none" for engine_direct)
  std::string reason;     // why engine_direct, or which cuDNN candidates were passed over
};
// Every choice made in this process so far, in the order made (for run records).
std::vector<AlgorithmChoice> algorithm_choices();

// For tests of the convolutions' fallback (kernels/cuda/cudnn_convolution.h): the next `count`
// cuDNN convolution executions fail as if cuDNN had refused them, so that the next candidate and
// then engine_direct run. 0 ends it. (No effect in a CPU-only build.)
void fail_next_cudnn_executions_for_testing(int count);

// The CUDA runtime and driver, cuDNN and cuBLAS versions, e.g.
// "CUDA runtime 13.0, driver 13.0, cuDNN 9.19.0, cuBLAS 13.0.0".
std::string library_versions();

}  // namespace engine::kernels::cuda
