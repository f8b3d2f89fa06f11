// Each model is torchvision's architecture: the exact parameter count with 2 classes, and the
// same state_dict names, order, shapes and dtypes as the installed torchvision reported
// (tests/fixtures/torchvision_state_dicts.json, written by make_state_dict_fixture.py).
#include <doctest/doctest.h>

#include <string>

#include "models/registry.h"
#include "util/file_io.h"
#include "util/json.h"

namespace engine::models {

namespace {

const Json& fixture() {
  static const Json document = [] {
    const auto bytes = read_file_bytes(std::string(ENGINE_SOURCE_DIR) +
                                       "/tests/fixtures/torchvision_state_dicts.json");
    return Json::parse(std::string(bytes.begin(), bytes.end()));
  }();
  return document;
}

// torchvision's OIHW convolution weight shape in our OHWI layout.
Shape in_our_layout(const Json& shape) {
  Shape result;
  for (const Json& extent : shape.as_array()) result.push_back(extent.as_integer());
  if (result.size() == 4) result = {result[0], result[2], result[3], result[1]};
  return result;
}

void check_against_torchvision(const std::string& architecture, const std::string& fixture_name,
                               const ModelOptions& options, std::int64_t expected_parameters) {
  CAPTURE(fixture_name);
  const auto model = create_model(architecture, options);
  CHECK(model->parameter_count() == expected_parameters);
  const Json& reference = fixture().at("models").at(fixture_name);
  CHECK(reference.at("parameters").as_integer() == expected_parameters);

  const auto state = model->named_state();
  const auto& expected = reference.at("state").as_array();
  REQUIRE(state.size() == expected.size());
  for (std::size_t i = 0; i < state.size(); ++i) {
    const std::string& name = expected[i].as_array()[0].as_string();
    INFO("state entry " << i << ": ours " << state[i].name << ", torchvision " << name);
    REQUIRE(state[i].name == name);
    CHECK(state[i].tensor->shape() == in_our_layout(expected[i].as_array()[1]));
    CHECK(std::string(name_of(state[i].tensor->dtype())) == expected[i].as_array()[2].as_string());
  }
}

}  // namespace

TEST_CASE("ResNet-18 matches torchvision's resnet18") {
  check_against_torchvision("resnet18", "resnet18", {}, 11'177'538);
}

TEST_CASE("ResNet-50 matches torchvision's resnet50") {
  check_against_torchvision("resnet50", "resnet50", {}, 23'512'130);
}

TEST_CASE("InceptionV3 matches torchvision's inception_v3, with and without the auxiliary head") {
  check_against_torchvision("inception_v3", "inception_v3", {}, 24'348'900);
  ModelOptions without;
  without.auxiliary_head = false;
  check_against_torchvision("inception_v3", "inception_v3_no_aux", without, 21'789'666);
}

TEST_CASE("EfficientNet-B0 matches torchvision's efficientnet_b0") {
  check_against_torchvision("efficientnet_b0", "efficientnet_b0", {}, 4'010'110);
}

TEST_CASE("the registry lists the known architectures when a name is unknown") {
  CHECK(architectures().size() == 4);
  CHECK(find_architecture("inception_v3").input_size == 299);
  CHECK_THROWS_WITH(create_model("resnet34"),
                    doctest::Contains("unknown model 'resnet34' (known: resnet18, resnet50, "
                                      "inception_v3, efficientnet_b0)"));
  ModelOptions one_class;
  one_class.classes = 1;
  CHECK_THROWS_WITH(create_model("resnet18", one_class), doctest::Contains("at least 2 classes"));
}

TEST_CASE("the class count sets the head; the same seed gives the same weights") {
  ModelOptions five;
  five.classes = 5;
  five.seed = 3;
  const auto model = create_model("resnet18", five);
  CHECK(model->submodule("fc").named_parameters()[0].tensor->shape() == Shape{5, 512});
  const auto again = create_model("resnet18", five);
  const auto a = model->named_parameters(), b = again->named_parameters();
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].tensor->to_vector<float>() == b[i].tensor->to_vector<float>());
  }
  five.seed = 4;
  const auto other = create_model("resnet18", five);
  CHECK(other->named_parameters()[0].tensor->to_vector<float>() != a[0].tensor->to_vector<float>());
}

}  // namespace engine::models
