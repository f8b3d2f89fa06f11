// Grad-CAM: exact against the class activation map where the two must agree, on the region that
// carries the signal in a constructed task where that region is known, and through the feature
// layer of every architecture of the study.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "explain/grad_cam.h"
#include "layers/conv2d.h"
#include "layers/linear.h"
#include "models/initialization.h"
#include "models/registry.h"
#include "optim/sgd.h"

namespace engine::apps::testing {

namespace {

// conv(3->8, stride 2) -> relu -> conv(8->8, stride 2) -> relu = features [N, S/4, S/4, 8]
// -> global average pool -> linear(8 -> 2). Its feature layer is conv2.
class SquareNet final : public models::Model {
 public:
  explicit SquareNet(std::uint64_t seed)
      : Model("square_net", {}, 32),
        conv1(register_module(
            "conv1", std::make_unique<layers::Conv2d>(3, 8, layers::conv_geometry(3, 2, 1), true))),
        conv2(register_module(
            "conv2", std::make_unique<layers::Conv2d>(8, 8, layers::conv_geometry(3, 2, 1), true))),
        fc(register_module("fc", std::make_unique<layers::Linear>(8, 2))) {
    initialize(seed);
  }
  Outputs forward_outputs(const Tensor& images) override {
    Outputs outputs;
    outputs.features = relu(conv2.forward(relu(conv1.forward(images))));
    outputs.logits = fc.forward(global_avg_pool(outputs.features));
    return outputs;
  }
  std::vector<std::string> head_prefixes() const override { return {"fc."}; }
  std::string feature_layer() const override { return "conv2"; }
  void initialize(std::uint64_t seed) override {
    models::kaiming_normal_fan_out(conv1.weight, seed, "conv1.weight");
    models::kaiming_normal_fan_out(conv2.weight, seed, "conv2.weight");
    models::constant(conv1.bias, 0.0);
    models::constant(conv2.bias, 0.0);
    models::linear_default(fc.weight, fc.bias, seed, "fc.");
  }

  layers::Conv2d& conv1;
  layers::Conv2d& conv2;
  layers::Linear& fc;
};

constexpr int side = 32, square = 6;

struct SquareBatch {
  Tensor images, labels;
  std::vector<int> x0, y0;  // the square's top-left corner; -1 without a square
};

// Noise everywhere; class 1 images also hold a bright square at a random place, the only thing
// that tells the classes apart.
SquareBatch square_batch(int count, std::mt19937_64& generator, bool all_with_square = false) {
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::uniform_int_distribution<int> corner(0, side - square);
  SquareBatch batch;
  std::vector<float> pixels(static_cast<std::size_t>(count) * side * side * 3);
  std::vector<std::int64_t> labels;
  for (int n = 0; n < count; ++n) {
    for (int i = 0; i < side * side * 3; ++i)
      pixels[static_cast<std::size_t>(n) * side * side * 3 + i] = noise(generator);
    const bool with_square = all_with_square || n % 2 == 1;
    labels.push_back(with_square ? 1 : 0);
    batch.x0.push_back(with_square ? corner(generator) : -1);
    batch.y0.push_back(with_square ? corner(generator) : -1);
    for (int y = 0; with_square && y < square; ++y) {
      for (int x = 0; x < square; ++x) {
        for (int c = 0; c < 3; ++c) {
          pixels[((static_cast<std::size_t>(n) * side + batch.y0.back() + y) * side +
                  batch.x0.back() + x) *
                     3 +
                 c] = 2.0f;
        }
      }
    }
  }
  batch.images = Tensor::from_vector(pixels, {count, side, side, 3});
  batch.labels = Tensor::from_vector(labels, {count});
  return batch;
}

void train(SquareNet& model, std::mt19937_64& generator) {
  std::vector<optim::Parameter> parameters;
  for (const layers::NamedTensor& parameter : model.named_parameters()) {
    parameters.push_back({parameter.name, *parameter.tensor});
  }
  optim::SgdOptions options;
  options.learning_rate = 0.05;
  options.momentum = 0.9;
  optim::Sgd optimizer(parameters, options);
  model.train();
  for (int step = 0; step < 150; ++step) {
    const SquareBatch batch = square_batch(32, generator);
    optimizer.zero_grad();
    const Tensor loss =
        softmax_cross_entropy(model.forward(batch.images), batch.labels, Tensor(), {});
    loss.backward();
    optimizer.step();
  }
  model.eval();
}

}  // namespace

TEST_CASE("with an average-pool and linear head, Grad-CAM is the class activation map") {
  // d logit_k / d A[y, x, c] = W[k, c] / (h w) for every position, so weight_c = W[k, c] / (h w)
  // and cam = relu(sum_c W[k, c] A[y, x, c]) / (h w) exactly (Zhou et al.'s CAM, scaled).
  SquareNet model(3);
  model.eval();
  std::mt19937_64 generator(1);
  const SquareBatch batch = square_batch(2, generator, true);
  const std::vector<explain::GradCam> cams = explain::grad_cam(model, batch.images, {1, 0});
  Tensor features;
  {
    NoGradGuard no_grad;
    features = model.forward_outputs(batch.images).features;
  }
  const std::vector<float> a = features.to_vector<float>();
  const std::vector<float> w = model.fc.weight.to_vector<float>();
  const int h = static_cast<int>(features.size(1)), width = static_cast<int>(features.size(2));
  REQUIRE(cams[0].feature_height == h);
  REQUIRE(cams[0].feature_width == width);
  double largest = 0;
  for (int n = 0; n < 2; ++n) {
    const int k = n == 0 ? 1 : 0;
    for (int p = 0; p < h * width; ++p) {
      double sum = 0;
      for (int c = 0; c < 8; ++c)
        sum += w[k * 8 + c] * a[(static_cast<std::size_t>(n) * h * width + p) * 8 + c];
      const double expected = std::max(sum, 0.0) / (h * width);
      CHECK(cams[n].map[p] == doctest::Approx(expected).epsilon(1e-5).scale(1e-6));
      largest = std::max(largest, expected);
    }
  }
  CHECK(largest > 0);  // the comparison covered positive values, not only zeros
  // The parameters are as they were: requiring gradients, none left behind.
  for (const layers::NamedTensor& parameter : model.named_parameters()) {
    INFO(parameter.name);
    CHECK(parameter.tensor->requires_grad());
    CHECK_FALSE(parameter.tensor->grad().defined());
  }
}

TEST_CASE("the heat falls on the bright square, the only signal in the image") {
  std::mt19937_64 generator(42);
  SquareNet model(5);
  train(model, generator);
  const SquareBatch test = square_batch(40, generator);
  std::vector<float> logits;
  {
    NoGradGuard no_grad;
    logits = model.forward(test.images).to_vector<float>();
  }
  int correct = 0;
  for (int n = 0; n < 40; ++n) correct += (logits[2 * n + 1] > logits[2 * n] ? 1 : 0) == n % 2;
  REQUIRE_MESSAGE(correct >= 38, "the task was not learned: " << correct << "/40");

  const SquareBatch squares = square_batch(20, generator, true);
  const std::vector<explain::GradCam> cams =
      explain::grad_cam(model, squares.images, std::vector<int>(20, 1));
  int peaks_on_square = 0;
  double mass = 0;
  for (int n = 0; n < 20; ++n) {
    // The square and a margin of one feature cell (4 pixels) around it: 14 x 14 of 32 x 32
    // pixels, 19% of the image.
    const int x0 = squares.x0[n] - 4, y0 = squares.y0[n] - 4;
    const int x1 = squares.x0[n] + square + 4, y1 = squares.y0[n] + square + 4;
    const explain::GradCam& cam = cams[n];
    peaks_on_square += cam.peak_x >= x0 && cam.peak_x < x1 && cam.peak_y >= y0 && cam.peak_y < y1;
    mass += cam.mass_inside(x0, y0, x1, y1) / 20;
  }
  MESSAGE("peaks on the square: " << peaks_on_square << "/20; mean heat mass near it: " << mass);
  CHECK(peaks_on_square >= 18);
  CHECK(mass > 0.5);  // against 0.19 for heat spread evenly
}

TEST_CASE("Grad-CAM reaches the documented feature layer of every architecture") {
  struct Case {
    const char* architecture;
    const char* layer;
    std::int64_t size;
    int map_side;
  };
  for (const Case& item :
       {Case{"resnet18", "layer4", 64, 2}, Case{"resnet50", "layer4", 64, 2},
        Case{"efficientnet_b0", "features.8", 64, 2}, Case{"inception_v3", "Mixed_7c", 75, 1}}) {
    const std::string architecture = item.architecture;
    INFO(architecture);
    models::ModelOptions options;
    options.auxiliary_head = false;
    auto model = models::create_model(item.architecture, options);
    model->eval();
    CHECK(model->feature_layer() == item.layer);
    std::mt19937_64 generator(9);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> pixels(static_cast<std::size_t>(2 * item.size * item.size * 3));
    for (float& value : pixels) value = normal(generator);
    const Tensor images = Tensor::from_vector(pixels, {2, item.size, item.size, 3});
    const std::vector<explain::GradCam> cams = explain::grad_cam(*model, images, {0, 1});
    for (const explain::GradCam& cam : cams) {
      CHECK(cam.feature_height == item.map_side);
      CHECK(cam.feature_width == item.map_side);
      CHECK(cam.side == item.size);
      REQUIRE(cam.heat.size() == static_cast<std::size_t>(item.size * item.size));
      const auto [low, high] = std::minmax_element(cam.heat.begin(), cam.heat.end());
      CHECK(*low >= 0.0f);
      CHECK(*high == (cam.empty() ? 0.0f : 1.0f));
      CHECK(std::isfinite(cam.maximum));
    }
    for (const layers::NamedTensor& parameter : model->named_parameters()) {
      CHECK(parameter.tensor->requires_grad());
      CHECK_FALSE(parameter.tensor->grad().defined());
    }
  }
}

}  // namespace engine::apps::testing
