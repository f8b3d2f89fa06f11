// Folding batch normalisation into the convolutions (models/inference.h): the folded network must
// give the unfolded network's logits up to rounding, for all four architectures, in float64
// (tight: only the order of the float64 arithmetic differs) and in float32; the identity batch
// norms it leaves must be skipped without running the kernel, and must be exact identities when
// the kernel does run.
#include "models/inference.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "autograd/functions/batch_norm_identity.h"
#include "autograd/inference_mode.h"
#include "kernels/ops.h"
#include "kernels/random_tensors.h"
#include "layers/batch_norm2d.h"
#include "models/registry.h"
#include "tests/harness/compare.h"

namespace engine::models {

namespace {

// Batch-norm parameters and statistics that a trained network might have, drawn per layer, so
// that folding has real work to do (a fresh network has gamma 1, beta 0, mean 0, variance 1).
void give_trained_statistics(Model& model) {
  std::uint64_t stream = 0;
  for (const auto& [path, module] : model.named_modules()) {
    auto* batch_norm = dynamic_cast<layers::BatchNorm2d*>(module);
    if (batch_norm == nullptr) continue;
    const Shape shape{batch_norm->weight.numel()};
    const DType dtype = batch_norm->weight.dtype();
    auto draw = [&](double low, double high) {
      return random_uniform(shape, low, high, 5, stream++, dtype);
    };
    kernels::copy(draw(0.5, 1.5), batch_norm->weight);
    kernels::copy(draw(-0.2, 0.2), batch_norm->bias);
    kernels::copy(draw(-0.2, 0.2), batch_norm->running_mean);
    kernels::copy(draw(0.5, 2.0), batch_norm->running_var);
  }
}

std::unique_ptr<Model> evaluation_model(const std::string& name, DType dtype) {
  ModelOptions options;
  options.seed = 3;
  auto model = create_model(name, options);
  model->to(dtype);
  give_trained_statistics(*model);
  model->eval();
  return model;
}

Tensor logits_of(Model& model, const Tensor& images) {
  NoGradGuard no_grad;
  return model.forward_outputs(images).logits;
}

std::int64_t test_size(const std::string& name) { return name == "inception_v3" ? 80 : 64; }

void check_folding(const std::string& name, DType dtype, double relative) {
  auto model = evaluation_model(name, dtype);
  const std::int64_t size = test_size(name);
  const Tensor images = random_normal({2, size, size, 3}, 0.0, 1.0, 9, 0, dtype);
  const Tensor before = logits_of(*model, images);

  const FoldingSummary summary = fold_batch_norm(*model);
  // InceptionV3's auxiliary head (two batch norms) runs only in training, so it is not folded.
  const std::int64_t unfolded = name == "inception_v3" ? 2 : 0;
  CHECK(summary.batch_norms > 0);
  CHECK(summary.folded == summary.batch_norms - unfolded);

  const std::uint64_t kernel_calls = kernels::call_count(kernels::Op::batch_norm_eval_forward);
  const Tensor after = logits_of(*model, images);
  CHECK(kernels::call_count(kernels::Op::batch_norm_eval_forward) == kernel_calls);

  // Relative to the largest logit: logits near zero carry the rounding of the large ones.
  const std::vector<double> values = testing::to_doubles(before);
  double scale = 0.0;
  for (double value : values) scale = std::max(scale, std::abs(value));
  INFO(name << " " << name_of(dtype) << ", largest logit " << scale);
  CHECK_CLOSE(after, before, relative * scale, 0.0);

  // Folding a folded model changes nothing.
  fold_batch_norm(*model);
  CHECK(testing::bitwise_equal(logits_of(*model, images), after));
}

}  // namespace

TEST_CASE("folded batch norm gives the same logits in float64 (tight) and float32") {
  for (const auto& architecture : architectures()) {
    SUBCASE(architecture.name) {
      check_folding(architecture.name, DType::Float64, 1e-11);
      check_folding(architecture.name, DType::Float32, 2e-5);
    }
  }
}

TEST_CASE("folding needs evaluation mode") {
  auto model = create_model("resnet18");
  CHECK_THROWS_AS(fold_batch_norm(*model), std::logic_error);
}

TEST_CASE("an identity batch norm is an exact identity whether skipped or run") {
  for (const DType dtype : {DType::Float32, DType::Float64}) {
    for (const double eps : {1e-5, 1e-3}) {
      const std::int64_t channels = 5;
      const Tensor gamma = Tensor::full({channels}, 1.0, dtype);
      const Tensor beta = Tensor::zeros({channels}, dtype);
      Tensor mean = Tensor::zeros({channels}, dtype);
      Tensor variance = Tensor::full({channels}, identity_running_variance(dtype, eps), dtype);
      REQUIRE(is_identity_batch_norm(gamma, beta, mean, variance, eps));
      // Not an identity: the default statistics (variance 1) and a shifted mean.
      CHECK_FALSE(
          is_identity_batch_norm(gamma, beta, mean, Tensor::full({channels}, 1.0, dtype), eps));
      CHECK_FALSE(
          is_identity_batch_norm(gamma, beta, Tensor::full({channels}, 0.5, dtype), variance, eps));

      const Tensor x = random_normal({2, 3, 4, channels}, 0.0, 3.0, 1, 0, dtype);
      Tensor y = Tensor::full(x.shape(), std::nan(""), dtype);
      Tensor invstd = Tensor::empty({channels}, dtype);
      kernels::batch_norm_eval_forward(x, gamma, beta, mean, variance, {0.1, eps}, y, invstd);
      CHECK(testing::bitwise_equal(y, x));

      NoGradGuard no_grad;
      InferenceModeGuard inference;  // the skip happens only in inference mode
      const Tensor skipped = batch_norm2d(x, gamma, beta, mean, variance, false, {0.1, eps});
      CHECK(skipped.same_storage(x));
    }
  }
}

}  // namespace engine::models
