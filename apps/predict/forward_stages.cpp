#include "apps/predict/forward_stages.h"

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "layers/sequential.h"

namespace engine::apps {

std::vector<ForwardStage> forward_stages(models::Model& model) {
  const std::string feature_layer = model.feature_layer();
  const std::string feature_parent = feature_layer.substr(0, feature_layer.find('.'));
  const bool resnet = model.architecture().rfind("resnet", 0) == 0;
  std::vector<ForwardStage> stages;
  for (const auto& [name, child] : model.children()) {
    layers::Module* module = child;
    if (name == "AuxLogits") continue;
    if (name == feature_parent && feature_parent != feature_layer &&
        dynamic_cast<layers::Sequential*>(module) != nullptr) {
      for (const auto& [inner, grandchild] : module->children()) {
        layers::Module* part = grandchild;
        stages.push_back(
            {name + "." + inner, [part](const Tensor& x) { return part->forward(x); }});
      }
      continue;
    }
    if (resnet && name == "bn1") {
      stages.push_back(
          {"bn1 + relu", [module](const Tensor& x) { return relu(module->forward(x)); }});
      continue;
    }
    stages.push_back({name, [module](const Tensor& x) { return module->forward(x); }});
  }
  return stages;
}

std::vector<Tensor> run_stages(const std::vector<ForwardStage>& stages, const Tensor& images) {
  NoGradGuard no_grad;
  std::vector<Tensor> outputs;
  Tensor x = images;
  for (const ForwardStage& stage : stages) {
    x = stage.run(x);
    outputs.push_back(x);
  }
  return outputs;
}

int feature_stage(const std::vector<ForwardStage>& stages, const std::string& feature_layer) {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].name == feature_layer) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace engine::apps
