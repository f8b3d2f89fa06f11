#include "models/inception_v3.h"

#include "autograd/functions.h"
#include "layers/simple.h"
#include "models/initialization.h"

namespace engine::models {

InceptionV3::InceptionV3(const ModelOptions& options) : Model("inception_v3", options, 299) {
  using layers::BasicConv2d;
  using layers::conv_geometry;
  const auto conv = [&](const char* name, std::int64_t in, std::int64_t out,
                        kernels::Conv2dGeometry geometry) {
    stem_.push_back(&register_module(name, std::make_unique<BasicConv2d>(in, out, geometry)));
  };
  const auto pool = [&](const char* name) {
    stem_.push_back(&register_module(name, std::make_unique<layers::MaxPool2d>(3, 2)));
  };
  conv("Conv2d_1a_3x3", 3, 32, conv_geometry(3, 2, 0));
  conv("Conv2d_2a_3x3", 32, 32, conv_geometry(3, 1, 0));
  conv("Conv2d_2b_3x3", 32, 64, conv_geometry(3, 1, 1));
  pool("maxpool1");
  conv("Conv2d_3b_1x1", 64, 80, conv_geometry(1, 1, 0));
  conv("Conv2d_4a_3x3", 80, 192, conv_geometry(3, 1, 0));
  pool("maxpool2");

  const auto mixed = [&](std::vector<layers::Module*>& list, const char* name,
                         std::unique_ptr<layers::Module> block) {
    list.push_back(&register_module(name, std::move(block)));
  };
  mixed(mixed_6_, "Mixed_5b", std::make_unique<layers::InceptionA>(192, 32));
  mixed(mixed_6_, "Mixed_5c", std::make_unique<layers::InceptionA>(256, 64));
  mixed(mixed_6_, "Mixed_5d", std::make_unique<layers::InceptionA>(288, 64));
  mixed(mixed_6_, "Mixed_6a", std::make_unique<layers::InceptionB>(288));
  mixed(mixed_6_, "Mixed_6b", std::make_unique<layers::InceptionC>(768, 128));
  mixed(mixed_6_, "Mixed_6c", std::make_unique<layers::InceptionC>(768, 160));
  mixed(mixed_6_, "Mixed_6d", std::make_unique<layers::InceptionC>(768, 160));
  mixed(mixed_6_, "Mixed_6e", std::make_unique<layers::InceptionC>(768, 192));
  if (options.auxiliary_head) {
    auxiliary_ =
        &register_module("AuxLogits", std::make_unique<layers::InceptionAux>(768, options.classes));
  }
  mixed(mixed_7_, "Mixed_7a", std::make_unique<layers::InceptionD>(768));
  mixed(mixed_7_, "Mixed_7b", std::make_unique<layers::InceptionE>(1280));
  mixed(mixed_7_, "Mixed_7c", std::make_unique<layers::InceptionE>(2048));
  avgpool_ = &register_module("avgpool", std::make_unique<layers::GlobalAvgPool>());
  dropout_ =
      &register_module("dropout", std::make_unique<layers::Dropout>(
                                      options.dropout < 0 ? 0.5 : options.dropout, random_state()));
  fc_ = &register_module("fc", std::make_unique<layers::Linear>(2048, options.classes));
  initialize(options.seed);
}

std::vector<std::string> InceptionV3::head_prefixes() const {
  if (auxiliary_ != nullptr) return {"fc.", "AuxLogits.fc."};
  return {"fc."};
}

std::vector<ModelStage> InceptionV3::stages() {
  std::vector<ModelStage> result;
  for (const auto* list : {&stem_, &mixed_6_, &mixed_7_}) {
    for (layers::Module* module : *list) result.push_back(stage_of(*module));
  }
  for (layers::Module* module : std::initializer_list<layers::Module*>{avgpool_, dropout_, fc_}) {
    result.push_back(stage_of(*module));
  }
  return result;
}

Model::Outputs InceptionV3::forward_outputs(const Tensor& images) {
  const std::string branch = mixed_6_.back()->path();  // Mixed_6e
  return run_stages(images, [&](const std::string& stage, const Tensor& output, Outputs& outputs) {
    if (stage == branch && auxiliary_ != nullptr && training()) {
      outputs.auxiliary_logits = auxiliary_->forward(output);
    }
  });
}

void InceptionV3::initialize(std::uint64_t seed) {
  // torchvision: trunc_normal_(std = module.stddev if set else 0.1, a = -2, b = 2) for every
  // nn.Conv2d and nn.Linear weight; BN weight 1, bias 0; Linear biases keep nn.Linear's default.
  // Only AuxLogits.fc carries a stddev (0.001): the 0.01 that torchvision sets on
  // AuxLogits.conv1 lands on the BasicConv2d wrapper, which its init loop never inspects, so the
  // convolution inside gets 0.1 like the rest. We reproduce that behaviour, not the intention.
  for (auto& [path, module] : named_modules()) {
    const std::string prefix = path.empty() ? "" : path + ".";
    if (auto* conv = dynamic_cast<layers::Conv2d*>(module)) {
      truncated_normal(conv->weight, 0.1, -2.0, 2.0, seed, prefix + "weight");
    } else if (auto* norm = dynamic_cast<layers::BatchNorm2d*>(module)) {
      constant(norm->weight, 1.0);
      constant(norm->bias, 0.0);
    } else if (auto* linear = dynamic_cast<layers::Linear*>(module)) {
      linear_default(linear->weight, linear->bias, seed, prefix);
      const double deviation = path == "AuxLogits.fc" ? 0.001 : 0.1;
      truncated_normal(linear->weight, deviation, -2.0, 2.0, seed, prefix + "weight");
    }
  }
}

}  // namespace engine::models
