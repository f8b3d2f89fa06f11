// The audit trail. With ENGINE_TRACE=path.jsonl in the environment (or start_trace()), every op
// that passes the dispatch seam appends one JSON line: sequence number, op, backend, the dtype and
// shape of each input and output, wall time, a checksum of each output (float64 sum and FNV-1a of
// the bytes), and any notes the backend attached (for example the cuDNN algorithm it chose).
// Tracing copies outputs to the host and synchronises the device: it is for audits, not speed.
#pragma once

#include <string>

namespace engine::kernels {

void start_trace(const std::string& path);  // replaces any trace in progress; truncates the file
void stop_trace();
bool trace_active();
// Attaches "key": "value" to the op currently running on this thread (ignored when not tracing).
void annotate_current_op(const std::string& key, const std::string& value);

}  // namespace engine::kernels
