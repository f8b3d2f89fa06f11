// Model parity with PyTorch: the same weights (rebuilt here from seed 11; written by
// export_weights and loaded by torchvision with strict=True in make_parity_fixture.py), the same
// input, evaluated by torchvision in float64 and by the engine in float64 (tight tolerance: any
// difference beyond summation order is a bug) and in float32 (the precision training uses).
// Compared: evaluation logits, training logits (and InceptionV3's auxiliary logits), the loss,
// the gradient norm of every parameter, and every batch-norm running statistic after the
// training forward.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "kernels/ops.h"
#include "layers/batch_norm2d.h"
#include "models/registry.h"
#include "tensor/autograd.h"
#include "tensor/functions.h"
#include "tensor/json.h"
#include "tensor/safetensors.h"

namespace engine::models {

namespace {

const Json& fixture() {
  static const Json document = [] {
    const auto bytes =
        read_file_bytes(std::string(ENGINE_SOURCE_DIR) + "/tests/fixtures/pytorch_parity.json");
    return Json::parse(std::string(bytes.begin(), bytes.end()));
  }();
  return document;
}

Tensor parity_input(std::int64_t batch, std::int64_t size) {
  std::vector<float> values;
  for (std::int64_t n = 0; n < batch; ++n)
    for (std::int64_t h = 0; h < size; ++h)
      for (std::int64_t w = 0; w < size; ++w)
        for (std::int64_t c = 0; c < 3; ++c)
          values.push_back(static_cast<float>(
              0.5 * std::sin(1.0 + 0.37 * n + 0.11 * h + 0.07 * w + 1.3 * c)));
  return Tensor::from_vector(values, {batch, size, size, 3});
}

std::unique_ptr<Model> fresh_model(const std::string& name, DType dtype) {
  ModelOptions options;
  options.seed = fixture().at("seed").as_integer();
  options.dropout = 0.0;
  options.stochastic_depth = 0.0;
  auto model = create_model(name, options);
  model->to(dtype);
  return model;
}

// How far the engine may be from torchvision's float64 result, relative to the magnitude of the
// values compared. float64: summation order alone, amplified by the depth of the network, stays
// far below 1e-7. float32: rounding of 1e-7 per operation grows through dozens of layers, and
// more in the backward pass of a freshly initialised InceptionV3 (gradient norms in the
// thousands at the stem): 2e-3 for values and 2e-2 for the stem's gradients is what float32
// gives there (the float64 run is the proof of the arithmetic).
// `floor` is absolute, for values that are zero in exact arithmetic (the running mean of a batch
// norm whose input is itself normalised), where float32 leaves rounding of order 1e-7 to 1e-5.
struct Tolerance {
  double values;
  double gradients;
  double floor;
};

void check_values(const char* what, const std::vector<double>& ours, const Json& expected,
                  double relative, double floor) {
  const auto& reference = expected.as_array();
  REQUIRE(ours.size() == reference.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double e = reference[i].as_number();
    INFO(std::string(what) << "[" << i << "]: engine " << ours[i] << ", torch " << e);
    CHECK(std::abs(ours[i] - e) <= relative * std::abs(e) + floor);
  }
}

std::vector<double> values_of(const Tensor& tensor) {
  return tensor.to(DType::Float64).to_vector<double>();
}

double norm_of(const Tensor& tensor) {
  double squares = 0.0;
  for (double v : values_of(tensor)) squares += v * v;
  return std::sqrt(squares);
}

void check_model(const std::string& name, DType dtype, Tolerance tolerance) {
  CAPTURE(name);
  const std::string dtype_name = name_of(dtype);
  CAPTURE(dtype_name);
  const Json& expected = fixture().at("models").at(name);
  const std::int64_t batch = fixture().at("batch").as_integer();
  const Tensor images = parity_input(batch, expected.at("input_size").as_integer()).to(dtype);
  const Tensor targets = Tensor::from_vector<std::int64_t>({0, 1}, {2});

  {  // evaluation, after one training forward with momentum 1 sets the running statistics
    auto model = fresh_model(name, dtype);
    for (auto& [path, module] : model->named_modules()) {
      if (auto* norm = dynamic_cast<layers::BatchNorm2d*>(module)) norm->set_momentum(1.0);
    }
    NoGradGuard no_grad;
    model->forward(images);
    model->eval();
    check_values("eval logits", values_of(model->forward(images)), expected.at("eval_logits"),
                 tolerance.values, tolerance.floor);
  }

  auto model = fresh_model(name, dtype);
  const Model::Outputs outputs = model->forward_outputs(images);
  Tensor loss = softmax_cross_entropy(outputs.logits, targets, Tensor(), {});
  if (const Json* aux = expected.find("train_aux_logits")) {
    REQUIRE(outputs.auxiliary_logits.defined());
    check_values("auxiliary logits", values_of(outputs.auxiliary_logits), *aux, tolerance.values,
                 tolerance.floor);
    const double weight = fixture().at("aux_loss_weight").as_number();
    loss = add(loss, scale(softmax_cross_entropy(outputs.auxiliary_logits, targets, Tensor(), {}),
                           weight));
  }
  check_values("training logits", values_of(outputs.logits), expected.at("train_logits"),
               tolerance.values, tolerance.floor);
  check_values("loss", values_of(loss), Json(Json::Array{expected.at("train_loss")}),
               tolerance.values, tolerance.floor);

  loss.backward();
  double largest = 0.0;
  for (const auto& [key, value] : expected.at("gradient_norms").as_object()) {
    largest = std::max(largest, value.as_number());
  }
  const auto parameters = model->named_parameters();
  REQUIRE(parameters.size() == expected.at("gradient_norms").as_object().size());
  for (const auto& parameter : parameters) {
    const double reference = expected.at("gradient_norms").at(parameter.name).as_number();
    REQUIRE_MESSAGE(parameter.tensor->grad().defined(), parameter.name << " got no gradient");
    const double ours = norm_of(parameter.tensor->grad());
    INFO("gradient norm of " << parameter.name << ": engine " << ours << ", torch " << reference);
    // The floor, a fraction of the model's largest gradient norm, covers gradients that are tiny
    // compared to the rest (their absolute error is what matters to training).
    CHECK(std::abs(ours - reference) <=
          tolerance.gradients * reference + 0.05 * tolerance.gradients * largest);
  }

  for (const auto& buffer : model->named_buffers()) {
    const Json* reference = expected.at("running_statistics").find(buffer.name);
    if (reference == nullptr) continue;  // num_batches_tracked
    const auto values = values_of(*buffer.tensor);
    double total = 0.0, squares = 0.0;
    for (double v : values) total += v, squares += v * v;
    INFO(buffer.name << ": sum " << total << " vs " << reference->as_array()[0].as_number());
    const double scale_of_values = reference->as_array()[1].as_number();
    CHECK(std::abs(total - reference->as_array()[0].as_number()) <=
          tolerance.values * scale_of_values + tolerance.floor);
    CHECK(std::abs(std::sqrt(squares) - scale_of_values) <=
          tolerance.values * scale_of_values + tolerance.floor);
  }
}

}  // namespace

constexpr Tolerance float64_tolerance{1e-7, 1e-7, 1e-10};
constexpr Tolerance float32_tolerance{2e-3, 2e-2, 1e-4};

TEST_CASE("ResNet-18 computes what torchvision computes") {
  check_model("resnet18", DType::Float64, float64_tolerance);
  check_model("resnet18", DType::Float32, float32_tolerance);
}
TEST_CASE("ResNet-50 computes what torchvision computes") {
  check_model("resnet50", DType::Float64, float64_tolerance);
  check_model("resnet50", DType::Float32, float32_tolerance);
}
TEST_CASE("InceptionV3 computes what torchvision computes, auxiliary head included") {
  check_model("inception_v3", DType::Float64, float64_tolerance);
  check_model("inception_v3", DType::Float32, float32_tolerance);
}
TEST_CASE("EfficientNet-B0 computes what torchvision computes") {
  check_model("efficientnet_b0", DType::Float64, float64_tolerance);
  check_model("efficientnet_b0", DType::Float32, float32_tolerance);
}

}  // namespace engine::models
