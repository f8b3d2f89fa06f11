// Recording what a forward pass did, layer by layer: while a RecordingScope is alive on this
// thread, Conv2d, Linear, BatchNorm2d and the pooling layers report their output shape. The model
// summary (layers, output shapes, parameters, FLOPs) is built from this; nothing is recorded,
// and nothing is paid, otherwise.
#pragma once

#include <vector>

#include "layers/module.h"

namespace engine::layers {

struct RecordedOutput {
  const Module* module;
  Shape input;  // of the first input
  Shape output;
};

class RecordingScope {
 public:
  explicit RecordingScope(std::vector<RecordedOutput>& sink);
  ~RecordingScope();
  RecordingScope(const RecordingScope&) = delete;
  RecordingScope& operator=(const RecordingScope&) = delete;

 private:
  std::vector<RecordedOutput>* previous_;
};

// Called by layers after computing their output.
void record_output(const Module& module, const Tensor& input, const Tensor& output);

}  // namespace engine::layers
