// OpRun: what dispatch.cpp does around every backend call: pick the backend from the tensors'
// device, count the call, and write the trace line when tracing is on (with the op's parameters
// and the module running it, kernels/trace.h).
#pragma once

#include <chrono>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "kernels/ops.h"
#include "kernels/parameter_trace.h"

namespace engine::kernels {

enum class Backend { cpu_reference, cpu, cuda };
const char* backend_name(Backend backend);

class OpRun {
 public:
  OpRun(Op op, std::vector<const Tensor*> inputs, std::vector<const Tensor*> outputs);
  Backend backend() const { return backend_; }
  // Records a parameter of the op for its trace line (nothing is done when not tracing).
  template <typename Value>
  void parameter(const char* name, const Value& value) {
    if (tracing_) parameters_.emplace_back(name, trace_json(value));
  }
  // Called after the backend returned normally; writes the trace line if tracing.
  void finish();

 private:
  Op op_;
  Backend backend_;
  bool tracing_;
  std::vector<const Tensor*> inputs_;
  std::vector<const Tensor*> outputs_;
  std::vector<std::pair<std::string, Json>> parameters_;
  std::chrono::steady_clock::time_point start_;
};

std::vector<const Tensor*> pointers_to(const std::vector<Tensor>& tensors);

}  // namespace engine::kernels
