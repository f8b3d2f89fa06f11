// The fuzz targets of the tensor-level readers (JSON, safetensors, the checkpoint format) link the
// tensor core without the kernels: reading a file creates contiguous host tensors and never
// computes. These stand-ins for the kernels that the copying Tensor members refer to
// (kernels/tensor_compute.cpp) abort with a message, so that if reading ever reaches one, the
// fuzz run reports it as a crash instead of it going unnoticed.
#include <cstdio>
#include <cstdlib>

#include "kernels/ops.h"

namespace {

[[noreturn]] void unreachable(const char* what) {
  std::fprintf(stderr,
               "fuzz build: %s was called; reading should never compute "
               "(tests/fuzz/reading_stubs.cpp)\n",
               what);
  std::abort();
}

}  // namespace

namespace engine {

namespace kernels {

void fill(Tensor&, double) { unreachable("kernels::fill"); }
void copy(const Tensor&, Tensor&) { unreachable("kernels::copy"); }

}  // namespace kernels
}  // namespace engine
