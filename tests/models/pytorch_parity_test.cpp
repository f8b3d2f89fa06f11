// Model parity with PyTorch: the same weights (rebuilt here from seed 11; written by
// export_weights and loaded by torchvision with strict=True in make_parity_fixture.py), the same
// input, evaluated by torchvision in float64 and by the engine in float64 (tight tolerance: any
// difference beyond summation order is a bug) and in float32 (the precision training uses,
// within K times PyTorch's own float32 error on the same quantity, tests/harness/error_model.h).
// Compared: evaluation logits, training logits (and InceptionV3's auxiliary logits), the loss,
// the gradient norm of every parameter, and every batch-norm running statistic after the
// training forward.
//
// The float32 cases run twice in ctest: as they are (im2col + the machine's BLAS) and with the
// loop-level reference kernels (models_tests_reference_kernels, tests/harness/main.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"
#include "layers/batch_norm2d.h"
#include "models/registry.h"
#include "tests/harness/error_model.h"
#include "util/file_io.h"
#include "util/json.h"

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

// x at flat NHWC index i = ((i * 2654435761 + 12345) mod 2^32) / 2^32 - 0.5, as the fixture
// script computes it (integer arithmetic, so both sides hold the same floats).
Tensor parity_input(std::int64_t batch, std::int64_t size) {
  const std::uint64_t count = static_cast<std::uint64_t>(batch * size * size * 3);
  std::vector<float> values(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t hashed = (i * 2654435761ull + 12345ull) % (1ull << 32);
    values[i] = static_cast<float>(static_cast<double>(hashed) / 4294967296.0 - 0.5);
  }
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

// How far the engine's float64 may be from torchvision's float64, relative to the magnitude of
// the values compared: summation order alone, amplified by the depth of the network, stays far
// below 1e-7; `floor` is absolute, for values that are zero in exact arithmetic.
constexpr double float64_relative = 1e-7;
constexpr double float64_floor = 1e-10;

void check_values(const char* what, const std::vector<double>& ours, const Json& expected) {
  const auto& reference = expected.as_array();
  REQUIRE(ours.size() == reference.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double e = reference[i].as_number();
    INFO(std::string(what) << "[" << i << "]: engine " << ours[i] << ", torch " << e);
    CHECK(std::abs(ours[i] - e) <= float64_relative * std::abs(e) + float64_floor);
  }
}

// float32: each value within K times PyTorch's float32 error on that tensor (error_model.h).
void check_values_float32(const char* what, const std::vector<double>& ours, const Json& expected,
                          double pytorch_error) {
  const auto& reference = expected.as_array();
  REQUIRE(ours.size() == reference.size());
  double scale = 0.0;
  for (const Json& value : reference) scale = std::max(scale, std::abs(value.as_number()));
  for (std::size_t i = 0; i < ours.size(); ++i) {
    testing::check_float32(std::string(what) + "[" + std::to_string(i) + "]", ours[i],
                           reference[i].as_number(), pytorch_error, scale);
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

// The engine's results for one architecture, in `dtype`.
struct Results {
  std::vector<double> eval_logits, train_logits, auxiliary_logits;
  double loss = 0;
  std::vector<std::pair<std::string, double>> gradient_norms;
  std::vector<std::pair<std::string, std::vector<double>>> running_statistics;
};

Results run_model(const std::string& name, DType dtype) {
  const Json& expected = fixture().at("models").at(name);
  const std::int64_t batch = fixture().at("batch").as_integer();
  const Tensor images = parity_input(batch, expected.at("input_size").as_integer()).to(dtype);
  const Tensor targets = Tensor::from_vector<std::int64_t>({0, 1}, {2});
  Results results;
  {  // evaluation, after one training forward with momentum 1 sets the running statistics
    auto model = fresh_model(name, dtype);
    for (auto& [path, module] : model->named_modules()) {
      if (auto* norm = dynamic_cast<layers::BatchNorm2d*>(module)) norm->set_momentum(1.0);
    }
    NoGradGuard no_grad;
    model->forward(images);
    model->eval();
    results.eval_logits = values_of(model->forward(images));
  }
  auto model = fresh_model(name, dtype);
  const Model::Outputs outputs = model->forward_outputs(images);
  Tensor loss = softmax_cross_entropy(outputs.logits, targets, Tensor(), {});
  if (expected.find("train_aux_logits") != nullptr) {
    REQUIRE(outputs.auxiliary_logits.defined());
    results.auxiliary_logits = values_of(outputs.auxiliary_logits);
    const double weight = fixture().at("aux_loss_weight").as_number();
    loss = add(loss, scale(softmax_cross_entropy(outputs.auxiliary_logits, targets, Tensor(), {}),
                           weight));
  }
  results.train_logits = values_of(outputs.logits);
  results.loss = values_of(loss)[0];
  loss.backward();
  for (const auto& parameter : model->named_parameters()) {
    REQUIRE_MESSAGE(parameter.tensor->grad().defined(), parameter.name << " got no gradient");
    results.gradient_norms.emplace_back(parameter.name, norm_of(parameter.tensor->grad()));
  }
  for (const auto& buffer : model->named_buffers()) {
    results.running_statistics.emplace_back(buffer.name, values_of(*buffer.tensor));
  }
  return results;
}

void check_float64(const std::string& name) {
  CAPTURE(name);
  const Json& expected = fixture().at("models").at(name);
  const Results ours = run_model(name, DType::Float64);
  check_values("eval logits", ours.eval_logits, expected.at("eval_logits"));
  check_values("training logits", ours.train_logits, expected.at("train_logits"));
  if (const Json* aux = expected.find("train_aux_logits")) {
    check_values("auxiliary logits", ours.auxiliary_logits, *aux);
  }
  check_values("loss", {ours.loss}, Json(Json::Array{expected.at("train_loss")}));
  double largest = 0.0;
  for (const auto& [key, value] : expected.at("gradient_norms").as_object()) {
    largest = std::max(largest, value.as_number());
  }
  REQUIRE(ours.gradient_norms.size() == expected.at("gradient_norms").as_object().size());
  for (const auto& [parameter, norm] : ours.gradient_norms) {
    const double reference = expected.at("gradient_norms").at(parameter).as_number();
    INFO("gradient norm of " << parameter << ": engine " << norm << ", torch " << reference);
    // The floor, a fraction of the model's largest gradient norm, covers gradients that are
    // tiny compared to the rest (their absolute error is what matters to training).
    CHECK(std::abs(norm - reference) <=
          float64_relative * reference + 0.05 * float64_relative * largest);
  }
  for (const auto& [buffer, values] : ours.running_statistics) {
    const Json* reference = expected.at("running_statistics").find(buffer);
    if (reference == nullptr) continue;  // num_batches_tracked
    double total = 0.0, squares = 0.0;
    for (double v : values) total += v, squares += v * v;
    INFO(buffer << ": sum " << total << " vs " << reference->as_array()[0].as_number());
    const double scale_of_values = reference->as_array()[1].as_number();
    CHECK(std::abs(total - reference->as_array()[0].as_number()) <=
          float64_relative * scale_of_values + float64_floor);
    CHECK(std::abs(std::sqrt(squares) - scale_of_values) <=
          float64_relative * scale_of_values + float64_floor);
  }
}

// Each quantity against torchvision's float64 value, within K times PyTorch's own float32 error
// on the same quantity (the fixture's pytorch_float32_error). Gradients and running statistics
// carry the norm of the whole tensor's float32 difference, which bounds how far their norm (and,
// times sqrt(n), their sum) can move; the loss is bounded by the logits' error as well as its own
// (a mean cross-entropy moves at most twice as far as its logits).
void check_float32(const std::string& name) {
  CAPTURE(name);
  const Json& expected = fixture().at("models").at(name);
  const Json& error = expected.at("pytorch_float32_error");
  const Results ours = run_model(name, DType::Float32);
  testing::reset_largest_float32_error_ratio();
  check_values_float32("eval logits", ours.eval_logits, expected.at("eval_logits"),
                       error.at("eval_logits").as_number());
  check_values_float32("training logits", ours.train_logits, expected.at("train_logits"),
                       error.at("train_logits").as_number());
  double logits_error = error.at("train_logits").as_number();
  if (const Json* aux = expected.find("train_aux_logits")) {
    check_values_float32("auxiliary logits", ours.auxiliary_logits, *aux,
                         error.at("train_aux_logits").as_number());
    logits_error = std::max(logits_error, error.at("train_aux_logits").as_number());
  }
  const double loss = expected.at("train_loss").as_number();
  testing::check_float32("loss", ours.loss, loss,
                         std::max(error.at("train_loss").as_number(), logits_error), loss);
  REQUIRE(ours.gradient_norms.size() == expected.at("gradient_norms").as_object().size());
  for (const auto& [parameter, norm] : ours.gradient_norms) {
    const double reference = expected.at("gradient_norms").at(parameter).as_number();
    testing::check_float32("gradient norm of " + parameter, norm, reference,
                           error.at("gradients").at(parameter).as_number(), reference);
  }
  for (const auto& [buffer, values] : ours.running_statistics) {
    const Json* reference = expected.at("running_statistics").find(buffer);
    if (reference == nullptr) continue;  // num_batches_tracked
    const Json& buffer_error = error.at("running_statistics").at(buffer);
    const double difference = buffer_error.at("norm_of_difference").as_number();
    const double root = std::sqrt(buffer_error.at("elements").as_number());
    double total = 0.0, squares = 0.0;
    for (double v : values) total += v, squares += v * v;
    const double norm = reference->as_array()[1].as_number();
    testing::check_float32(buffer + " sum", total, reference->as_array()[0].as_number(),
                           root * difference, root * norm);
    testing::check_float32(buffer + " norm", std::sqrt(squares), norm, difference, norm);
  }
  MESSAGE(name << " float32: largest deviation " << testing::largest_float32_error_ratio()
               << " x PyTorch's own float32 error (K = " << testing::float32_error_factor << ")");
}

}  // namespace

TEST_CASE("ResNet-18 computes what torchvision computes, float64") { check_float64("resnet18"); }
TEST_CASE("ResNet-18 computes what torchvision computes, float32") { check_float32("resnet18"); }
TEST_CASE("ResNet-50 computes what torchvision computes, float64") { check_float64("resnet50"); }
TEST_CASE("ResNet-50 computes what torchvision computes, float32") { check_float32("resnet50"); }
TEST_CASE("InceptionV3 computes what torchvision computes, auxiliary head included, float64") {
  check_float64("inception_v3");
}
TEST_CASE("InceptionV3 computes what torchvision computes, auxiliary head included, float32") {
  check_float32("inception_v3");
}
TEST_CASE("EfficientNet-B0 computes what torchvision computes, float64") {
  check_float64("efficientnet_b0");
}
TEST_CASE("EfficientNet-B0 computes what torchvision computes, float32") {
  check_float32("efficientnet_b0");
}

}  // namespace engine::models
