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

std::vector<ModelStage> Model::stages() {
  std::vector<ModelStage> result;
  for (const auto& [name, child] : children()) result.push_back(stage_of(*child));
  return result;
}

ModelStage Model::stage_of(layers::Module& module) {
  return {module.path(), [&module](const Tensor& x) { return module.forward(x); }};
}

Model::Outputs Model::run_stages(
    const Tensor& images,
    const std::function<void(const std::string&, const Tensor&, Outputs&)>& after_stage) {
  Outputs outputs;
  const std::string features = feature_layer();
  Tensor x = images;
  for (const ModelStage& stage : stages()) {
    x = stage.run(x);
    if (stage.name == features) outputs.features = x;
    if (after_stage) after_stage(stage.name, x, outputs);
  }
  outputs.logits = x;
  return outputs;
}

}  // namespace engine::models
