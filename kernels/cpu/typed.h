// Runs a templated CPU kernel body for the tensor's floating dtype (float or double).
// The contracts already restrict CPU ops to those two; anything else is a bug in the caller.
#pragma once

#include <stdexcept>
#include <string>

#include "tensor/tensor.h"

namespace engine::kernels::cpu {

template <typename Body>
void with_floating_type(const char* op, DType dtype, Body&& body) {
  switch (dtype) {
    case DType::Float32: body(float{}); return;
    case DType::Float64: body(double{}); return;
    default:
      throw std::invalid_argument(std::string(op) + ": the CPU backend computes in float32 or " +
                                  "float64, not " + name_of(dtype));
  }
}

}  // namespace engine::kernels::cpu
