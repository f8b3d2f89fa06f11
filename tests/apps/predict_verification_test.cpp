// --verify-on-cpu: on a CPU-only machine it compares the fast CPU path (im2col/BLAS) with the
// loop-level reference, layer by layer, for each architecture; the staged forward it relies on is
// checked, and a model whose forward is not a chain of its layers is detected, not misreported.
#include <doctest/doctest.h>

#include <algorithm>

#include "apps/common/arguments.h"
#include "apps/predict/verification.h"
#include "autograd/functions.h"
#include "layers/conv2d.h"
#include "layers/linear.h"
#include "models/initialization.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

// conv1 -> relu -> conv2: the relu between the two children is a function, so running the
// children one after another does not reproduce this forward.
class HiddenStep final : public models::Model {
 public:
  HiddenStep()
      : Model("hidden_step", {}, 16),
        conv1(register_module(
            "conv1", std::make_unique<layers::Conv2d>(3, 4, layers::conv_geometry(3, 1, 1), true))),
        conv2(register_module(
            "conv2", std::make_unique<layers::Conv2d>(4, 4, layers::conv_geometry(3, 1, 1), true))),
        fc(register_module("fc", std::make_unique<layers::Linear>(4, 2))) {
    initialize(2);
  }
  Outputs forward_outputs(const Tensor& images) override {
    Outputs outputs;
    outputs.features = conv2.forward(relu(conv1.forward(images)));
    outputs.logits = fc.forward(global_avg_pool(outputs.features));
    return outputs;
  }
  std::vector<std::string> head_prefixes() const override { return {"fc."}; }
  std::string feature_layer() const override { return "conv2"; }
  void initialize(std::uint64_t seed) override {
    models::kaiming_normal_fan_out(conv1.weight, seed, "conv1.weight");
    models::kaiming_normal_fan_out(conv2.weight, seed, "conv2.weight");
    models::linear_default(fc.weight, fc.bias, seed, "fc.");
  }
  layers::Conv2d& conv1;
  layers::Conv2d& conv2;
  layers::Linear& fc;
};

}  // namespace

TEST_CASE("every architecture is compared layer by layer against the loop-level reference") {
  struct Case {
    const char* architecture;
    std::int64_t size;
    std::vector<std::string> first_layers;
    std::string last_layer;
  };
  const std::vector<Case> cases = {
      {"resnet18", 64, {"conv1", "bn1 + relu", "maxpool", "layer1"}, "fc"},
      {"resnet50", 64, {"conv1", "bn1 + relu", "maxpool", "layer1"}, "fc"},
      {"efficientnet_b0", 64, {"features.0", "features.1", "features.2"}, "classifier"},
      {"inception_v3", 75, {"Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1"}, "fc"}};
  TemporaryFolder folder("predict_verification");
  write_phantoms(folder.path / "images", 2, 12);
  for (const Case& item : cases) {
    const std::string architecture = item.architecture;
    INFO(architecture);
    const std::filesystem::path model = folder.path / (architecture + ".safetensors");
    write_test_checkpoint(model, architecture, item.size, calibration_block(1.0, true, 0.6));
    const CommandResult result =
        run_predict({"--model", model.string(), "--device", "cpu", "--verify-on-cpu", "--format",
                     "json", (folder.path / "images").string()});
    REQUIRE(result.exit_code == 0);
    const Json json = Json::parse(result.out);
    const Json& verification = json.at("verification");
    CHECK(verification.at("per_layer").as_bool());
    CHECK(verification.at("images_compared").as_integer() == 2);
    CHECK(verification.at("decisions_changed").as_integer() == 0);
    const Json::Array& layers = verification.at("layers").as_array();
    REQUIRE(layers.size() > item.first_layers.size());
    for (std::size_t i = 0; i < item.first_layers.size(); ++i) {
      CHECK(layers[i].at("layer").as_string() == item.first_layers[i]);
    }
    CHECK(layers.back().at("layer").as_string() == item.last_layer);
    CHECK(layers.back().at("output_shape_per_image").as_string() == "[2]");
    bool any_difference = false;
    for (const Json& layer : layers) {
      INFO(layer.dump());
      CHECK_FALSE(layer.at("non_finite_values").as_bool());
      CHECK(layer.at("largest_abs_reference").as_number() > 0);
      const double difference = layer.at("largest_abs_difference").as_number();
      // float32 through tens of layers: differences of a few 1e-6 relative; 1e-3 is a defect.
      CHECK(difference <= 1e-3 * std::max(1.0, layer.at("largest_abs_reference").as_number()));
      any_difference |= difference > 0;
    }
    // The two sides ran different code (BLAS against plain loops), not one path twice.
    CHECK(any_difference);
    for (const Json& prediction : json.at("predictions").as_array()) {
      CHECK(prediction.at("cpu_reference").at("same_decision").as_bool());
    }
  }
}

TEST_CASE("a forward pass that is not the chain of its layers is detected and reported") {
  HiddenStep model;
  model.eval();
  CpuVerifier verifier(model, Device::cpu(), model);
  std::vector<float> pixels(2 * 16 * 16 * 3);
  for (std::size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<float>((i * 37) % 11) / 5.0f - 1.0f;
  std::vector<double> fast;
  const std::vector<double> reference =
      verifier.compare(Tensor::from_vector(pixels, {2, 16, 16, 3}), fast);
  CHECK_FALSE(verifier.stages_reproduce_forward());
  const Json json = verifier.to_json();
  CHECK_FALSE(json.at("per_layer").as_bool());
  CHECK(json.at("note").as_string().find("did not reproduce") != std::string::npos);
  REQUIRE(json.at("layers").as_array().size() == 2);  // the feature map and the logits only
  REQUIRE(fast.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(reference[i] == doctest::Approx(fast[i]).epsilon(1e-5));
}

}  // namespace engine::apps::testing

namespace engine::apps::testing {

TEST_CASE("a decision the reference makes differently is listed and exits with 3") {
  // Put the threshold exactly on the fast path's confidence for an image whose reference
  // confidence is a little lower: the fast path decides it, the reference leaves it undetermined.
  TemporaryFolder folder("predict_changed_decision");
  write_phantoms(folder.path / "images", 6, 31);
  const std::filesystem::path model = folder.path / "model.safetensors";
  write_test_checkpoint(model, "resnet18", 64, calibration_block(1.0, true, 0.6));
  const std::vector<std::string> base = {
      "--model",         model.string(), "--device", "cpu",
      "--verify-on-cpu", "--format",     "json",     (folder.path / "images").string()};
  const Json first = Json::parse(run_predict(base).out);
  std::string chosen;
  double threshold = 0;
  for (const Json& item : first.at("predictions").as_array()) {
    const double fast = item.at("confidence").as_number();
    const double p = item.at("cpu_reference").at("probability_male").as_number();
    if (std::max(p, 1 - p) < fast) {
      chosen = item.at("image").as_string();
      threshold = fast;
      break;
    }
  }
  REQUIRE_MESSAGE(!chosen.empty(), "no image whose reference confidence is below the fast one");
  std::vector<std::string> arguments = base;
  arguments.push_back("--threshold");
  arguments.push_back(format_number(threshold));
  const CommandResult result = run_predict(arguments);
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("changes 1 decision") != std::string::npos);
  const Json json = Json::parse(result.out);
  const Json::Array& changed = json.at("verification").at("changed").as_array();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].at("image").as_string() == chosen);
  CHECK(changed[0].at("reference_estimate").as_string() == "undetermined");
  CHECK(json.at("summary").at("exit_code").as_integer() == 3);
}

}  // namespace engine::apps::testing
