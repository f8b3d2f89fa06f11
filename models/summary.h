// A model summary: every convolution, batch norm, linear and pooling layer in execution order
// with its output shape, its parameter count and its multiply-accumulates per image, from one
// forward pass of a zero image in evaluation mode on the CPU.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"

namespace engine::models {

struct LayerSummary {
  std::string path;                   // state_dict-style module path, e.g. "layer1.0.conv1"
  std::string type;                   // Conv2d, BatchNorm2d, ...
  Shape output;                       // NHWC for a batch of one
  std::int64_t parameters;            // of this layer alone
  std::int64_t multiply_accumulates;  // per image; convolutions and linear layers only
};

struct ModelSummary {
  std::string architecture;
  std::int64_t input_size;
  std::int64_t parameters;            // whole model, trainable
  std::int64_t multiply_accumulates;  // per image, sum over layers
  std::vector<LayerSummary> layers;
  std::string table() const;  // printable, one line per layer plus totals
};

ModelSummary summarize(Model& model, std::int64_t input_size);

}  // namespace engine::models
