// The explicit table of architectures: name -> constructor and default input size. An unknown
// name is an error that lists the known ones.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace engine::models {

struct Architecture {
  const char* name;
  std::int64_t input_size;
  const char* description;
  std::unique_ptr<Model> (*create)(const ModelOptions& options);
};

const std::vector<Architecture>& architectures();
const Architecture& find_architecture(const std::string& name);
std::unique_ptr<Model> create_model(const std::string& name, const ModelOptions& options = {});

}  // namespace engine::models
