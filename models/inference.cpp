#include "models/inference.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/functions/batch_norm_identity.h"
#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/forward_recorder.h"

namespace engine::models {

namespace {

struct Pair {
  layers::Conv2d* convolution;
  layers::BatchNorm2d* batch_norm;
};

// Conv2d children directly followed by a BatchNorm2d child of the same width, in every module.
std::vector<Pair> adjacent_pairs(Model& model, std::int64_t& batch_norms) {
  std::vector<Pair> pairs;
  batch_norms = 0;
  for (const auto& [path, module] : model.named_modules()) {
    const auto& children = module->children();
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (dynamic_cast<layers::BatchNorm2d*>(children[i].second) != nullptr) ++batch_norms;
      if (i + 1 == children.size()) continue;
      auto* convolution = dynamic_cast<layers::Conv2d*>(children[i].second);
      auto* batch_norm = dynamic_cast<layers::BatchNorm2d*>(children[i + 1].second);
      if (convolution != nullptr && batch_norm != nullptr &&
          convolution->out_channels() == batch_norm->weight.numel()) {
        pairs.push_back({convolution, batch_norm});
      }
    }
  }
  return pairs;
}

// The pairs whose batch norm ran right after the convolution, on a tensor of the convolution's
// output shape, in one recorded forward pass: registration order alone does not prove data flow.
std::vector<Pair> confirmed_by_a_forward_pass(Model& model, const std::vector<Pair>& pairs) {
  const Tensor& any_parameter = *model.named_parameters().front().tensor;
  const std::int64_t size = model.input_size();
  const Tensor example =
      Tensor::zeros({1, size, size, 3}, any_parameter.dtype(), any_parameter.device());
  std::vector<layers::RecordedOutput> records;
  {
    NoGradGuard no_grad;
    layers::RecordingScope scope(records);
    model.forward_outputs(example);
  }
  std::vector<Pair> confirmed;
  for (const Pair& pair : pairs) {
    for (std::size_t i = 0; i + 1 < records.size(); ++i) {
      if (records[i].module == pair.convolution && records[i + 1].module == pair.batch_norm &&
          records[i + 1].input == records[i].output) {
        confirmed.push_back(pair);
        break;
      }
    }
  }
  return confirmed;
}

// Host values of a floating tensor as float64 (the folding arithmetic is done in float64).
std::vector<double> host_values(const Tensor& tensor) {
  return tensor.to(Device::cpu()).to(DType::Float64).contiguous().to_vector<double>();
}

// A tensor like `like` (shape from `shape`, dtype, device, requires_grad) holding `values`.
Tensor tensor_from(const std::vector<double>& values, const Shape& shape, const Tensor& like) {
  Tensor result = Tensor::from_vector(values, shape, like.device()).to(like.dtype());
  if (like.requires_grad()) result.set_requires_grad(true);
  return result;
}

void fold(const Pair& pair) {
  layers::Conv2d& convolution = *pair.convolution;
  layers::BatchNorm2d& batch_norm = *pair.batch_norm;
  const double eps = batch_norm.config().eps;
  const std::vector<double> gamma = host_values(batch_norm.weight);
  const std::vector<double> beta = host_values(batch_norm.bias);
  const std::vector<double> mean = host_values(batch_norm.running_mean);
  const std::vector<double> variance = host_values(batch_norm.running_var);
  std::vector<double> weight = host_values(convolution.weight);  // [O, KH, KW, C / G]
  const auto outputs = static_cast<std::size_t>(convolution.out_channels());
  std::vector<double> bias = convolution.bias.defined() ? host_values(convolution.bias)
                                                        : std::vector<double>(outputs, 0.0);
  const std::size_t per_output = weight.size() / outputs;
  for (std::size_t o = 0; o < outputs; ++o) {
    const double factor = gamma[o] / std::sqrt(variance[o] + eps);
    for (std::size_t i = 0; i < per_output; ++i) weight[o * per_output + i] *= factor;
    bias[o] = factor * (bias[o] - mean[o]) + beta[o];
  }
  const Tensor& like = convolution.weight;
  convolution.weight = tensor_from(weight, like.shape(), like);
  convolution.bias = tensor_from(bias, {like.size(0)}, like);

  // What is left is the identity, which batch_norm2d() skips on the CPU in inference mode.
  const Shape channels{batch_norm.weight.numel()};
  const double identity_variance = identity_running_variance(batch_norm.weight.dtype(), eps);
  batch_norm.weight = tensor_from(std::vector<double>(outputs, 1.0), channels, batch_norm.weight);
  batch_norm.bias = tensor_from(std::vector<double>(outputs, 0.0), channels, batch_norm.bias);
  batch_norm.running_mean =
      tensor_from(std::vector<double>(outputs, 0.0), channels, batch_norm.running_mean);
  batch_norm.running_var = tensor_from(std::vector<double>(outputs, identity_variance), channels,
                                       batch_norm.running_var);
}

bool already_identity(const layers::BatchNorm2d& batch_norm) {
  return is_identity_batch_norm(batch_norm.weight.to(Device::cpu()),
                                batch_norm.bias.to(Device::cpu()),
                                batch_norm.running_mean.to(Device::cpu()),
                                batch_norm.running_var.to(Device::cpu()), batch_norm.config().eps);
}

}  // namespace

FoldingSummary fold_batch_norm(Model& model) {
  if (model.training()) {
    throw std::logic_error("fold_batch_norm: the model must be in evaluation mode (call eval())");
  }
  FoldingSummary summary;
  const std::vector<Pair> pairs =
      confirmed_by_a_forward_pass(model, adjacent_pairs(model, summary.batch_norms));
  for (const Pair& pair : pairs) {
    if (!already_identity(*pair.batch_norm)) fold(pair);
    pair.batch_norm->mark_folded();
    ++summary.folded;
  }
  return summary;
}

}  // namespace engine::models
