// Formatting of one trace line; shared by trace.cpp and op_run.cpp only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kernels/op_run.h"

namespace engine::kernels {

struct TraceLine {
  const char* op;
  const char* backend;
  const std::string& module;  // kernels::trace_module() when the op ran
  const std::vector<std::pair<std::string, Json>>& parameters;
  std::vector<const Tensor*> inputs;
  std::vector<const Tensor*> outputs;
  double microseconds;
};

std::string format_trace_line(const TraceLine& line, std::uint64_t sequence,
                              const std::vector<std::pair<std::string, std::string>>& notes);
void write_trace_line(const TraceLine& line);
void clear_current_notes();

}  // namespace engine::kernels
