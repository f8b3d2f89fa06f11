// The audit trail. With ENGINE_TRACE=path.jsonl in the environment (or start_trace()), every op
// that passes the dispatch seam appends one JSON line: sequence number, op, backend, the module
// that ran it ("module": its path as in state_dict names, e.g. "layer1.0.bn2"), the op's
// parameters ("parameters": convolution geometry, eps and momentum, dropout p, ...), the dtype and
// shape of each input and output, wall time, a checksum of each output (float64 sum and FNV-1a of
// the bytes), and any notes the backend attached (for example the cuDNN algorithm it chose).
// Tracing copies outputs to the host and synchronises the device: it is for audits, not speed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"
#include "util/json.h"

namespace engine::kernels {

void start_trace(const std::string& path);  // replaces any trace in progress; truncates the file
void stop_trace();
bool trace_active();
// Attaches "key": "value" to the op currently running on this thread (ignored when not tracing).
void annotate_current_op(const std::string& key, const std::string& value);

// The module running on this thread, named on every trace line: layers::Module::forward sets its
// path for the ops of its forward pass, and the autograd tape sets, for each node's backward ops,
// the module that recorded the node; an optimizer sets, for each update, the name of the
// parameter it changes ("layer1.0.conv1.weight"). "" outside any module: a model's own code
// between its children, the loss. Scopes nest; each restores the previous one when it ends.
// Only set while tracing (the path is built for the trace alone).
class TraceScope {
 public:
  explicit TraceScope(std::string module);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  std::string previous_;
};
const std::string& trace_module();

// A trace line for an op that was not run, saying why ("backend": "skipped", and the reason as
// the note "skipped"), with what it would have read and the output that stands for its result.
// The only such op: an identity batch norm in inference mode (autograd/inference_mode.h).
void trace_skipped_op(const char* op, std::vector<const Tensor*> inputs,
                      std::vector<const Tensor*> outputs,
                      const std::vector<std::pair<std::string, Json>>& parameters,
                      const std::string& reason);

}  // namespace engine::kernels
