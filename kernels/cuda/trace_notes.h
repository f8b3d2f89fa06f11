// Notes the CUDA ops attach to their trace line (the algorithm and math a library chose).
// annotate_current_op keeps every note until the op's trace line is written, and no line is
// written when tracing is off, so notes are only made while tracing.
#pragma once

#include <string>

#include "kernels/trace.h"

namespace engine::kernels::cuda {

inline void note_for_trace(const std::string& key, const std::string& value) {
  if (trace_active()) annotate_current_op(key, value);
}

}  // namespace engine::kernels::cuda
