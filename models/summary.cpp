#include "models/summary.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "autograd/autograd.h"
#include "layers/conv2d.h"
#include "layers/forward_recorder.h"
#include "layers/linear.h"

namespace engine::models {

namespace {

std::int64_t own_parameters(const layers::Module& module) {
  std::int64_t count = 0;
  for (const auto& entry : module.named_parameters()) {
    if (entry.name.find('.') == std::string::npos) count += entry.tensor->numel();
  }
  return count;
}

std::int64_t multiply_accumulates(const layers::Module& module, const Shape& output) {
  if (const auto* conv = dynamic_cast<const layers::Conv2d*>(&module)) {
    const auto& g = conv->geometry();
    // per output element: kh * kw * (in / groups) products
    return output[1] * output[2] * output[3] * g.kernel_h * g.kernel_w *
           (conv->in_channels() / g.groups);
  }
  if (const auto* linear = dynamic_cast<const layers::Linear*>(&module)) {
    return linear->in_features() * linear->out_features();
  }
  return 0;
}

std::string with_thousands(std::int64_t value) {
  const std::string digits = std::to_string(value);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

}  // namespace

ModelSummary summarize(Model& model, std::int64_t input_size) {
  std::map<const layers::Module*, std::string> paths;
  for (const auto& [path, module] : model.named_modules()) paths[module] = path;

  const bool was_training = model.training();
  model.eval();
  std::vector<layers::RecordedOutput> recorded;
  {
    NoGradGuard no_grad;
    layers::RecordingScope scope(recorded);
    model.forward(Tensor::zeros({1, input_size, input_size, 3}));
  }
  model.train(was_training);

  ModelSummary summary{model.architecture(), input_size, model.parameter_count(), 0, {}};
  for (const layers::RecordedOutput& entry : recorded) {
    LayerSummary layer{paths.count(entry.module) ? paths[entry.module] : "?",
                       entry.module->type_name(), entry.output, own_parameters(*entry.module),
                       multiply_accumulates(*entry.module, entry.output)};
    summary.multiply_accumulates += layer.multiply_accumulates;
    summary.layers.push_back(std::move(layer));
  }
  return summary;
}

std::string ModelSummary::table() const {
  std::ostringstream text;
  char line[256];
  std::snprintf(line, sizeof line, "%-42s %-18s %-22s %14s %16s\n", "layer", "type",
                "output (NHWC)", "parameters", "MACs / image");
  text << line;
  for (const LayerSummary& layer : layers) {
    std::snprintf(line, sizeof line, "%-42s %-18s %-22s %14s %16s\n", layer.path.c_str(),
                  layer.type.c_str(), to_string(layer.output).c_str(),
                  with_thousands(layer.parameters).c_str(),
                  with_thousands(layer.multiply_accumulates).c_str());
    text << line;
  }
  std::snprintf(line, sizeof line,
                "%s at %lldx%lld: %s parameters, %.3f GMAC = %.3f GFLOP per image "
                "(convolutions and linear layers; 1 MAC = 2 FLOP)\n",
                architecture.c_str(), static_cast<long long>(input_size),
                static_cast<long long>(input_size), with_thousands(parameters).c_str(),
                multiply_accumulates / 1e9, 2 * multiply_accumulates / 1e9);
  text << line;
  return text.str();
}

}  // namespace engine::models
