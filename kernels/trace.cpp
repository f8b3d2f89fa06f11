#include "kernels/trace.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "kernels/op_run.h"
#include "kernels/trace_writer.h"

namespace engine::kernels {

namespace {

struct TraceState {
  std::mutex mutex;
  std::FILE* file = nullptr;
  std::uint64_t sequence = 0;
  bool environment_checked = false;
};

TraceState& state() {
  static auto* trace = new TraceState();  // never destroyed: ops may run during exit
  return *trace;
}

thread_local std::vector<std::pair<std::string, std::string>> current_notes;
thread_local std::string current_module;

void open_locked(TraceState& trace, const std::string& path) {
  if (trace.file != nullptr) std::fclose(trace.file);
  trace.file = std::fopen(path.c_str(), "w");
  if (trace.file == nullptr) {
    throw std::runtime_error("cannot open trace file '" + path + "' for writing");
  }
  trace.sequence = 0;
}

}  // namespace

void start_trace(const std::string& path) {
  TraceState& trace = state();
  std::lock_guard<std::mutex> lock(trace.mutex);
  trace.environment_checked = true;
  open_locked(trace, path);
}

void stop_trace() {
  TraceState& trace = state();
  std::lock_guard<std::mutex> lock(trace.mutex);
  trace.environment_checked = true;
  if (trace.file != nullptr) std::fclose(trace.file);
  trace.file = nullptr;
}

bool trace_active() {
  TraceState& trace = state();
  std::lock_guard<std::mutex> lock(trace.mutex);
  if (!trace.environment_checked) {
    trace.environment_checked = true;
    if (const char* path = std::getenv("ENGINE_TRACE"); path != nullptr && *path != '\0') {
      open_locked(trace, path);
    }
  }
  return trace.file != nullptr;
}

void annotate_current_op(const std::string& key, const std::string& value) {
  if (!trace_active()) return;  // notes are only kept for the trace line they belong to
  current_notes.emplace_back(key, value);
}

void clear_current_notes() { current_notes.clear(); }

TraceScope::TraceScope(std::string module) : previous_(std::move(current_module)) {
  current_module = std::move(module);
}

TraceScope::~TraceScope() { current_module = std::move(previous_); }

const std::string& trace_module() { return current_module; }

void trace_skipped_op(const char* op, std::vector<const Tensor*> inputs,
                      std::vector<const Tensor*> outputs,
                      const std::vector<std::pair<std::string, Json>>& parameters,
                      const std::string& reason) {
  if (!trace_active()) return;
  clear_current_notes();
  current_notes.emplace_back("skipped", reason);
  write_trace_line(TraceLine{op, "skipped", current_module, parameters, std::move(inputs),
                             std::move(outputs), 0.0});
}

void write_trace_line(const TraceLine& line) {
  TraceState& trace = state();
  std::lock_guard<std::mutex> lock(trace.mutex);
  if (trace.file == nullptr) return;
  const std::string text = format_trace_line(line, trace.sequence++, current_notes);
  current_notes.clear();
  std::fputs(text.c_str(), trace.file);
  std::fflush(trace.file);  // a crash must not lose the ops that led up to it
}

}  // namespace engine::kernels
