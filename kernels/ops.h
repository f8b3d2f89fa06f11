// The dispatch seam: every op the engine runs, callable on tensors of any device. Each entry
// point checks the op's contract, then calls cpu::name or cuda::name for the device of its
// tensors (see dispatch.cpp). The declarations and contracts are in signatures.inc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/params.h"
#include "tensor/tensor.h"

namespace engine::kernels {

#include "kernels/signatures.inc"

enum class Op : std::uint16_t {
#define ENGINE_OP(name, category, function) name,
#include "kernels/ops.def"
#undef ENGINE_OP
};

enum class OpCategory : std::uint8_t { forward, backward, update, utility };

struct OpInfo {
  const char* name;
  OpCategory category;
  const char* function;  // see ops.def
};

inline constexpr OpInfo op_table[] = {
#define ENGINE_OP(name, category, function) {#name, OpCategory::category, #function},
#include "kernels/ops.def"
#undef ENGINE_OP
};
inline constexpr std::size_t op_count = sizeof(op_table) / sizeof(op_table[0]);
// The generated dispatch.cpp checks this count against the ops it was generated for
// (kernels/generate/generate_seam.cpp), and tests/tensor/trace_test.cpp against the number of
// ops the tests expect: a change to ops.def is a deliberate one.

const char* category_name(OpCategory category);

// How many times each op has run in this process (all devices). Tests use it to prove that a
// gradient check really exercised the ops it claims.
std::uint64_t call_count(Op op);

// While alive on this thread, CPU ops with a fast path (convolution, linear) run their
// loop-level reference instead: the auditor's "what the readable code computes".
class ReferenceKernelsScope {
 public:
  ReferenceKernelsScope();
  ~ReferenceKernelsScope();
  ReferenceKernelsScope(const ReferenceKernelsScope&) = delete;
  ReferenceKernelsScope& operator=(const ReferenceKernelsScope&) = delete;

 private:
  bool previous_;
};
bool reference_kernels_active();

}  // namespace engine::kernels
