#include "models/registry.h"

#include <stdexcept>

#include "models/efficientnet_b0.h"
#include "models/inception_v3.h"
#include "models/resnet.h"

namespace engine::models {

const std::vector<Architecture>& architectures() {
  static const std::vector<Architecture> table = {
      {"resnet18", 224, "torchvision resnet18 (BasicBlock, 11.2M parameters with 2 classes)",
       [](const ModelOptions& o) -> std::unique_ptr<Model> {
         return std::make_unique<ResNet>(ResNet::Depth::resnet18, o);
       }},
      {"resnet50", 224, "torchvision resnet50 (Bottleneck v1.5, 23.5M parameters)",
       [](const ModelOptions& o) -> std::unique_ptr<Model> {
         return std::make_unique<ResNet>(ResNet::Depth::resnet50, o);
       }},
      {"inception_v3", 299, "torchvision inception_v3 (auxiliary head optional, 24.3M / 21.8M)",
       [](const ModelOptions& o) -> std::unique_ptr<Model> {
         return std::make_unique<InceptionV3>(o);
       }},
      {"efficientnet_b0", 224, "torchvision efficientnet_b0 (MBConv + SE, 4.0M parameters)",
       [](const ModelOptions& o) -> std::unique_ptr<Model> {
         return std::make_unique<EfficientNetB0>(o);
       }},
  };
  return table;
}

const Architecture& find_architecture(const std::string& name) {
  std::string known;
  for (const Architecture& architecture : architectures()) {
    if (name == architecture.name) return architecture;
    known += (known.empty() ? "" : ", ") + std::string(architecture.name);
  }
  throw std::invalid_argument("unknown model '" + name + "' (known: " + known + ")");
}

std::unique_ptr<Model> create_model(const std::string& name, const ModelOptions& options) {
  return find_architecture(name).create(options);
}

}  // namespace engine::models
