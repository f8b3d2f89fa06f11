#include "models/weights.h"

#include <map>
#include <sstream>
#include <stdexcept>

#include "kernels/ops.h"

namespace engine::models {

namespace {

// out[o, a, b, c] = in[o, i(a, b, c)] for a 4-D permutation of the last three axes, on the host.
// `order` gives, for each output axis 1..3, which input axis it reads.
Tensor permute_last_three(const Tensor& input, const int order[3]) {
  const Tensor source = input.to(Device::cpu()).contiguous();
  const Shape& s = source.shape();
  const Shape shape = {s[0], s[order[0]], s[order[1]], s[order[2]]};
  Tensor result = Tensor::empty(shape, source.dtype());
  const std::size_t element = size_of(source.dtype());
  const auto* in = static_cast<const unsigned char*>(source.raw_data());
  auto* out = static_cast<unsigned char*>(result.raw_data());
  const Strides in_strides = contiguous_strides(s);
  std::int64_t position = 0;
  for (std::int64_t o = 0; o < shape[0]; ++o)
    for (std::int64_t a = 0; a < shape[1]; ++a)
      for (std::int64_t b = 0; b < shape[2]; ++b)
        for (std::int64_t c = 0; c < shape[3]; ++c, ++position) {
          std::int64_t index[4] = {o, 0, 0, 0};
          index[order[0]] = a;
          index[order[1]] = b;
          index[order[2]] = c;
          const std::int64_t from = o * in_strides[0] + index[1] * in_strides[1] +
                                    index[2] * in_strides[2] + index[3] * in_strides[3];
          std::copy(in + from * element, in + (from + 1) * element, out + position * element);
        }
  return result;
}

bool is_head(const Model& model, const std::string& name) {
  for (const std::string& prefix : model.head_prefixes()) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string shape_and_dtype(const Tensor& tensor) {
  return std::string(name_of(tensor.dtype())) + to_string(tensor.shape());
}

}  // namespace

Tensor to_torch_layout(const Tensor& ohwi_weight) {
  const int order[3] = {3, 1, 2};  // OIHW axes 1, 2, 3 read OHWI axes I=3, H=1, W=2
  return permute_last_three(ohwi_weight, order);
}

Tensor from_torch_layout(const Tensor& oihw_weight) {
  const int order[3] = {2, 3, 1};  // OHWI axes 1, 2, 3 read OIHW axes H=2, W=3, I=1
  return permute_last_three(oihw_weight, order);
}

std::vector<std::pair<std::string, Tensor>> export_state(const layers::Module& model) {
  std::vector<std::pair<std::string, Tensor>> state;
  for (const layers::NamedTensor& entry : model.named_state()) {
    const Tensor host = entry.tensor->detach().to(Device::cpu()).contiguous();
    state.emplace_back(entry.name, host.rank() == 4 ? to_torch_layout(host) : host.clone());
  }
  return state;
}

std::string ImportReport::summary() const {
  std::ostringstream text;
  text << loaded.size() << " tensors loaded";
  if (!kept_initialised.empty()) {
    text << "; re-initialised (not taken from the file):";
    for (const std::string& line : kept_initialised) text << "\n  " << line;
  }
  if (!ignored.empty()) {
    text << "; ignored from the file:";
    for (const std::string& line : ignored) text << "\n  " << line;
  }
  return text.str();
}

ImportReport import_state(Model& model, const std::vector<std::pair<std::string, Tensor>>& state,
                          ImportPolicy policy, const std::string& source) {
  std::map<std::string, const Tensor*> file;
  for (const auto& [name, tensor] : state) file[name] = &tensor;

  ImportReport report;
  std::vector<std::string> problems;
  std::vector<std::pair<Tensor*, Tensor>> assignments;  // applied only if nothing is wrong
  std::map<std::string, bool> used;
  for (const layers::NamedTensor& entry : model.named_state()) {
    auto found = file.find(entry.name);
    const bool head = is_head(model, entry.name);
    if (found == file.end()) {
      if (policy == ImportPolicy::transfer && head) {
        report.kept_initialised.push_back(entry.name + ": absent from the file");
      } else {
        problems.push_back(entry.name + ": missing from the file");
      }
      continue;
    }
    used[entry.name] = true;
    Tensor value = *found->second;
    if (value.rank() == 4) value = from_torch_layout(value);
    if (value.dtype() != entry.tensor->dtype() && is_floating(value.dtype()) &&
        is_floating(entry.tensor->dtype())) {
      value = value.to(entry.tensor->dtype());  // e.g. F16 or BF16 published weights
    }
    if (value.shape() != entry.tensor->shape() || value.dtype() != entry.tensor->dtype()) {
      const std::string mismatch = entry.name + ": file has " + shape_and_dtype(value) +
                                   ", model has " + shape_and_dtype(*entry.tensor);
      if (policy == ImportPolicy::transfer && head) {
        report.kept_initialised.push_back(mismatch + " (classifier head for " +
                                          std::to_string(model.class_count()) + " classes)");
      } else {
        problems.push_back(mismatch);
      }
      continue;
    }
    assignments.emplace_back(entry.tensor, value);
    report.loaded.push_back(entry.name);
  }
  for (const auto& [name, tensor] : state) {
    if (used.count(name)) continue;
    // A 1000-class checkpoint with an auxiliary head may meet a model built without one.
    if (policy == ImportPolicy::transfer && name.rfind("AuxLogits.", 0) == 0) {
      report.ignored.push_back(name + ": the model has no auxiliary head");
    } else {
      problems.push_back(name + ": in the file but not in the model");
    }
  }
  if (!problems.empty()) {
    std::string message = source + " does not fit " + model.architecture() + " (" +
                          std::to_string(problems.size()) + " problems):";
    for (std::size_t i = 0; i < problems.size() && i < 20; ++i) message += "\n  " + problems[i];
    if (problems.size() > 20) message += "\n  ...";
    throw std::invalid_argument(message);
  }
  // Values are copied into the model's own tensors, which keep their identity: an optimizer or
  // any other holder of a parameter keeps seeing the parameter the model uses.
  for (auto& [target, value] : assignments) {
    const Tensor source = value.to(target->device());
    Tensor destination = target->detach();
    kernels::copy(source, destination);
  }
  return report;
}

}  // namespace engine::models
