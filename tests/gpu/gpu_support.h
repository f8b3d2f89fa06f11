// What the CPU-vs-CUDA parity tests share.
//
// The suite runs only where a GPU is: without one, gpu_support.cpp ends the process with exit
// code 77 before any test starts, printing "SKIPPED: no GPU (<reason>)", and ctest reports the
// suite as SKIPPED (tests/CMakeLists.txt sets SKIP_RETURN_CODE 77), never as passed.
//
// check_parity runs an op once on the CPU and twice on the GPU on the same inputs, with every
// output filled with NaN before each call (an element an op forgets to write fails the
// comparison). It compares the first GPU run with the CPU within a stated tolerance (compare.h
// reports the largest errors and the first mismatching positions), requires the two GPU runs to
// be bitwise identical (deterministic mode, the default), and checks through the dispatch
// seam's call counts that the ops under test really ran on the GPU.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/ops.h"
#include "tensor/tensor.h"
#include "tests/harness/compare.h"

namespace engine::testing {

inline Device gpu() { return Device::cuda(0); }

inline constexpr DType parity_dtypes[] = {DType::Float32, DType::Float64};

// The dtype's name as a std::string: doctest's INFO prints a leading const char* as a pointer.
inline std::string dtype_name(DType dtype) { return name_of(dtype); }

// Uniform values in [low, high] on the CPU in `dtype`, a pure function of (shape, seed).
Tensor uniform(const Shape& shape, std::uint64_t seed, DType dtype, double low = -1.0,
               double high = 1.0);
// A tensor of `shape` on `device` whose every element is NaN.
Tensor poisoned(const Shape& shape, DType dtype, Device device);
// A copy of a CPU tensor on `device` that the op may change in place without changing `tensor`
// (on the CPU too: to(cpu) would return the tensor itself).
Tensor fresh_copy(const Tensor& tensor, Device device);
// 2^-24 for float32, 2^-53 for float64.
double unit_roundoff(DType dtype);

// |cuda - cpu| <= absolute + relative * |cpu| element by element.
struct Tolerance {
  double absolute = 0.0;
  double relative = 0.0;
};
// The same operations in the same order and precision on both devices: equal bits.
inline constexpr Tolerance exact{0.0, 0.0};

// run(device) builds its inputs from CPU tensors (to(device) or fresh_copy), poisons its outputs
// on `device`, calls the op(s) through the dispatch seam and returns the outputs. `tolerances`
// has one entry per output, or one for all of them. `ops` are the ops the run must execute.
using DeviceRun = std::function<std::vector<Tensor>(Device)>;
void check_parity(const std::vector<kernels::Op>& ops, const DeviceRun& run,
                  const std::vector<Tolerance>& tolerances);

// Whether check_parity has seen `op` run on the GPU in this process (for the coverage test).
bool ran_on_gpu(kernels::Op op);

}  // namespace engine::testing
