// The trace of a whole network: every line names the module that ran the op (its state_dict
// path, for forward ops and, through the tape, for their backward ops; for an optimizer's update
// the parameter it changes) and the op's parameters; a folded network's skipped batch norms are
// lines of their own, and only in inference mode.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "autograd/inference_mode.h"
#include "kernels/ops.h"
#include "kernels/random_tensors.h"
#include "kernels/trace.h"
#include "layers/batch_norm2d.h"
#include "models/inference.h"
#include "models/registry.h"
#include "optim/sgd.h"
#include "util/json.h"

namespace engine::models {

namespace {

// The lines written while `run` runs, parsed.
template <typename Run>
std::vector<Json> traced(const std::string& name, Run run) {
  const std::string path = "trace_module_test_" + name + ".jsonl";
  kernels::start_trace(path);
  run();
  kernels::stop_trace();
  std::ifstream file(path);
  std::vector<Json> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(Json::parse(line));
  std::remove(path.c_str());
  return lines;
}

const Json* first_line(const std::vector<Json>& lines, const std::string& op,
                       const std::string& module) {
  for (const Json& line : lines) {
    if (line.at("op").as_string() == op && line.at("module").as_string() == module) return &line;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a network's trace names the module and the parameters of every op, forward and back") {
  ModelOptions options;
  options.seed = 4;
  auto model = create_model("resnet18", options);
  const Tensor images = random_normal({2, 32, 32, 3}, 0.0, 1.0, 3, 0);
  const Tensor labels = Tensor::from_vector<std::int64_t>({0, 1}, {2});
  std::vector<optim::Parameter> parameters;
  for (const layers::NamedTensor& parameter : model->named_parameters()) {
    parameters.push_back({parameter.name, *parameter.tensor});
  }
  optim::Sgd optimizer(parameters, optim::SgdOptions{});
  const std::vector<Json> lines = traced("resnet18", [&] {
    const Tensor loss = softmax_cross_entropy(model->forward(images), labels, Tensor(), {});
    loss.backward();
    optimizer.step();
  });
  REQUIRE(lines.size() > 100);
  for (const Json& line : lines) {
    INFO(line.dump());
    REQUIRE(line.find("module") != nullptr);
    REQUIRE(line.at("parameters").is_object());
  }
  // Forward: a 3x3 convolution of the first block, and its batch norm's eps and momentum.
  const Json* convolution = first_line(lines, "conv2d_forward", "layer1.0.conv1");
  REQUIRE(convolution != nullptr);
  const Json& geometry = convolution->at("parameters").at("geometry");
  CHECK(geometry.at("kernel").dump() == "[3,3]");
  CHECK(geometry.at("stride").dump() == "[1,1]");
  CHECK(geometry.at("padding").dump() == "[1,1,1,1]");
  CHECK(geometry.at("groups").as_integer() == 1);
  const Json* downsample = first_line(lines, "conv2d_forward", "layer2.0.downsample.0");
  REQUIRE(downsample != nullptr);
  CHECK(downsample->at("parameters").at("geometry").at("stride").dump() == "[2,2]");
  const Json* batch_norm = first_line(lines, "batch_norm_train_forward", "layer1.0.bn2");
  REQUIRE(batch_norm != nullptr);
  CHECK(batch_norm->at("parameters").at("config").at("eps").as_number() == 1e-5);
  CHECK(batch_norm->at("parameters").at("config").at("momentum").as_number() == 0.1);
  CHECK(first_line(lines, "linear_forward", "fc") != nullptr);
  CHECK(first_line(lines, "max_pool2d_forward", "maxpool") != nullptr);
  // The model's own code between its children (ResNet's stem relu) and the loss: no module.
  CHECK(first_line(lines, "relu_forward", "") != nullptr);
  const Json* loss = first_line(lines, "softmax_cross_entropy_forward", "");
  REQUIRE(loss != nullptr);
  CHECK(loss->at("parameters").at("config").at("reduction").as_string() == "mean");
  // Backward ops carry the module whose forward pass recorded them.
  CHECK(first_line(lines, "conv2d_grad_weight", "layer1.0.conv1") != nullptr);
  CHECK(first_line(lines, "batch_norm_backward", "layer1.0.bn2") != nullptr);
  CHECK(first_line(lines, "linear_grad_weight", "fc") != nullptr);
  // An optimizer's update names the parameter it changes.
  const Json* update = first_line(lines, "sgd_step", "layer1.0.conv1.weight");
  REQUIRE(update != nullptr);
  CHECK(update->at("parameters").at("config").at("learning_rate").as_number() ==
        optim::SgdOptions{}.learning_rate);
}

TEST_CASE("dropout's p is on its trace line") {
  ModelOptions options;
  options.seed = 4;
  options.dropout = 0.25;
  auto model = create_model("efficientnet_b0", options);
  const Tensor images = random_normal({2, 32, 32, 3}, 0.0, 1.0, 3, 0);
  const std::vector<Json> lines = traced("efficientnet", [&] {
    NoGradGuard no_grad;
    model->forward(images);
  });
  const Json* dropout = first_line(lines, "dropout_forward", "classifier.0");
  REQUIRE(dropout != nullptr);
  CHECK(dropout->at("parameters").at("p").as_number() == 0.25);
  CHECK(dropout->at("parameters").at("stream").is_object());
}

TEST_CASE("an identity batch norm is skipped only in inference mode, and the trace says so") {
  auto model = create_model("resnet18");
  model->eval();
  fold_batch_norm(*model);  // a fresh network's batch norms fold into identities
  const Tensor images = random_normal({1, 32, 32, 3}, 0.0, 1.0, 3, 0);

  const std::uint64_t before = kernels::call_count(kernels::Op::batch_norm_eval_forward);
  const std::vector<Json> lines = traced("folded", [&] {
    NoGradGuard no_grad;
    model->forward(images);
  });
  CHECK(kernels::call_count(kernels::Op::batch_norm_eval_forward) == before);
  const Json* skipped = first_line(lines, "batch_norm_eval_forward", "layer1.0.bn1");
  REQUIRE(skipped != nullptr);
  CHECK(skipped->at("backend").as_string() == "skipped");
  CHECK(skipped->at("notes").at("skipped").as_string().find("inference mode") != std::string::npos);
  CHECK(skipped->at("parameters").at("config").at("eps").as_number() == 1e-5);

  // The same identity outside inference mode (not folded, not in a guard) runs its kernel.
  auto& batch_norm = dynamic_cast<layers::BatchNorm2d&>(model->submodule("layer1.0.bn1"));
  const Tensor x = random_normal({1, 4, 4, batch_norm.weight.numel()}, 0.0, 1.0, 5, 0);
  NoGradGuard no_grad;
  const Tensor y = batch_norm2d(x, batch_norm.weight, batch_norm.bias, batch_norm.running_mean,
                                batch_norm.running_var, false, batch_norm.config());
  CHECK(kernels::call_count(kernels::Op::batch_norm_eval_forward) == before + 1);
  CHECK_FALSE(y.same_storage(x));
  CHECK_FALSE(inference_mode());
}

}  // namespace engine::models
