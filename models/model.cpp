#include "models/model.h"

#include <stdexcept>

namespace engine::models {

Model::Model(std::string architecture, const ModelOptions& options, std::int64_t input_size)
    : Module(architecture),
      architecture_(std::move(architecture)),
      options_(options),
      input_size_(input_size),
      random_(std::make_shared<layers::RandomState>(options.seed)) {
  if (options.classes < 2) {
    throw std::invalid_argument(architecture_ + ": needs at least 2 classes, got " +
                                std::to_string(options.classes));
  }
}

}  // namespace engine::models
