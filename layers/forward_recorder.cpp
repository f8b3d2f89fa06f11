#include "layers/forward_recorder.h"

namespace engine::layers {

namespace {
thread_local std::vector<RecordedOutput>* active_sink = nullptr;
}

RecordingScope::RecordingScope(std::vector<RecordedOutput>& sink) : previous_(active_sink) {
  active_sink = &sink;
}

RecordingScope::~RecordingScope() { active_sink = previous_; }

void record_output(const Module& module, const Tensor& input, const Tensor& output) {
  if (active_sink != nullptr) active_sink->push_back({&module, input.shape(), output.shape()});
}

}  // namespace engine::layers
