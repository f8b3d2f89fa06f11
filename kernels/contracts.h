// Contract checks, one per op, with the same signatures as the ops (see signatures.inc for the
// contracts in words). Each throws ContractError naming the op, the argument and what was
// expected; none touches tensor data.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/params.h"
#include "tensor/tensor.h"

namespace engine::kernels {

class ContractError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace contracts {
#include "kernels/signatures.inc"
}  // namespace contracts

}  // namespace engine::kernels
