#include "layers/module.h"

#include <stdexcept>

#include "kernels/trace.h"

namespace engine::layers {

Tensor Module::forward(const Tensor& x) {
  if (!kernels::trace_active()) return compute(x);
  kernels::TraceScope scope(path());
  return compute(x);
}

std::string Module::path() const {
  std::string result = name_;
  for (const Module* ancestor = parent_; ancestor != nullptr && ancestor->parent_ != nullptr;
       ancestor = ancestor->parent_) {
    result = ancestor->name_ + "." + result;
  }
  return result;
}

void Module::train(bool training) {
  training_ = training;
  for (auto& child : children_) child->train(training);
}

void Module::register_parameter(std::string name, Tensor& tensor) {
  if (!tensor.defined()) throw std::logic_error(type_name_ + ": parameter " + name + " undefined");
  tensor.set_requires_grad(true);
  entries_.push_back({std::move(name), &tensor, true});
}

void Module::register_buffer(std::string name, Tensor& tensor, Placement placement) {
  if (!tensor.defined()) throw std::logic_error(type_name_ + ": buffer " + name + " undefined");
  entries_.push_back({std::move(name), &tensor, false, placement});
}

void Module::collect(const std::string& prefix, bool parameters, bool buffers,
                     std::vector<NamedTensor>& out) const {
  for (const Entry& entry : entries_) {
    if ((entry.is_parameter && parameters) || (!entry.is_parameter && buffers)) {
      out.push_back({prefix + entry.name, entry.tensor});
    }
  }
  for (const auto& [name, child] : child_views_) {
    child->collect(prefix + name + ".", parameters, buffers, out);
  }
}

std::vector<NamedTensor> Module::named_parameters() const {
  std::vector<NamedTensor> out;
  collect("", true, false, out);
  return out;
}

std::vector<NamedTensor> Module::named_buffers() const {
  std::vector<NamedTensor> out;
  collect("", false, true, out);
  return out;
}

std::vector<NamedTensor> Module::named_state() const {
  std::vector<NamedTensor> out;
  collect("", true, true, out);
  return out;
}

std::int64_t Module::parameter_count() const {
  std::int64_t count = 0;
  for (const NamedTensor& parameter : named_parameters()) count += parameter.tensor->numel();
  return count;
}

void Module::to(Device device) {
  for (const Entry& entry : entries_) {
    if (entry.placement == Placement::host || entry.tensor->device() == device) continue;
    Tensor moved = entry.tensor->detach().to(device);
    if (entry.tensor->requires_grad()) moved.set_requires_grad(true);
    *entry.tensor = moved;
  }
  for (auto& child : children_) child->to(device);
}

void Module::to(DType dtype) {
  for (const Entry& entry : entries_) {
    if (!is_floating(entry.tensor->dtype()) || entry.tensor->dtype() == dtype) continue;
    Tensor converted = entry.tensor->detach().to(dtype);
    if (entry.tensor->requires_grad()) converted.set_requires_grad(true);
    *entry.tensor = converted;
  }
  for (auto& child : children_) child->to(dtype);
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out{{"", this}};
  for (const auto& [name, child] : child_views_) {
    for (auto& [path, descendant] : child->named_modules()) {
      out.emplace_back(path.empty() ? name : name + "." + path, descendant);
    }
  }
  return out;
}

void Module::set_requires_grad(bool value) {
  for (const NamedTensor& parameter : named_parameters()) {
    parameter.tensor->set_requires_grad(value);
  }
}

Module& Module::submodule(const std::string& path) {
  Module* current = this;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    Module* next = nullptr;
    for (const auto& [name, child] : current->child_views_) {
      if (name == part) next = child;
    }
    if (next == nullptr) {
      throw std::invalid_argument("no submodule '" + path + "' in " + type_name_ +
                                  " (stopped at '" + part + "')");
    }
    current = next;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *current;
}

}  // namespace engine::layers
