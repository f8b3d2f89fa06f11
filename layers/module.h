// Module: a named tree of parameters, buffers and child modules, as torch.nn.Module.
//
// Names compose with dots exactly as PyTorch's state_dict keys ("layer1.0.conv1.weight"), which is
// what lets a torchvision checkpoint load by name. A module registers its own member tensors by
// reference, so moving the model to a device or loading weights updates the very tensors its
// forward pass uses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace engine::layers {

struct NamedTensor {
  std::string name;
  Tensor* tensor;
};

class Module {
 public:
  explicit Module(std::string type_name) : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Runs the module's forward pass (compute()). While tracing, the ops it runs are named with the
  // module's path (kernels/trace.h), and so are their backward ops.
  Tensor forward(const Tensor& x);

  void train(bool training = true);  // this module and every descendant
  void eval() { train(false); }
  bool training() const { return training_; }

  // In registration order, children after the module's own tensors (PyTorch's order).
  std::vector<NamedTensor> named_parameters() const;
  std::vector<NamedTensor> named_buffers() const;
  // Parameters and buffers interleaved per module as in PyTorch's state_dict().
  std::vector<NamedTensor> named_state() const;
  std::int64_t parameter_count() const;

  // Moves every parameter and buffer; parameters keep requiring gradients.
  void to(Device device);
  // Converts every floating-point parameter and buffer (float64 for exact comparisons with a
  // float64 reference); integer buffers such as step counters are left alone.
  void to(DType dtype);
  // Sets every parameter's requires_grad (freezing a backbone for transfer learning).
  void set_requires_grad(bool value);

  const std::string& type_name() const { return type_name_; }
  const std::vector<std::pair<std::string, Module*>>& children() const { return child_views_; }
  // The descendant at a dotted path ("layer4.1.conv2"); throws naming the path if none.
  Module& submodule(const std::string& path);
  // Every descendant with its dotted path, this module first (path ""), depth first.
  std::vector<std::pair<std::string, Module*>> named_modules();
  // This module's dotted path from the root of its tree ("layer1.0.bn2"; "" for the root), the
  // prefix of its state_dict names.
  std::string path() const;

 protected:
  // The forward pass itself; forward() is what callers call.
  virtual Tensor compute(const Tensor& x) = 0;

  // Register members in the order torchvision creates them: the state_dict order follows.
  void register_parameter(std::string name, Tensor& tensor);
  // A host buffer stays on the CPU when the module moves (a step counter the host increments).
  enum class Placement { with_module, host };
  void register_buffer(std::string name, Tensor& tensor,
                       Placement placement = Placement::with_module);
  template <typename ModuleType>
  ModuleType& register_module(std::string name, std::unique_ptr<ModuleType> child) {
    ModuleType& reference = *child;
    child->parent_ = this;
    child->name_ = name;
    child_views_.emplace_back(name, child.get());
    children_.push_back(std::move(child));
    return reference;
  }

 private:
  struct Entry {
    std::string name;
    Tensor* tensor;
    bool is_parameter;
    Placement placement = Placement::with_module;
  };
  void collect(const std::string& prefix, bool parameters, bool buffers,
               std::vector<NamedTensor>& out) const;

  std::string type_name_;
  const Module* parent_ = nullptr;  // set when registered as a child
  std::string name_;                // the name it was registered under
  bool training_ = true;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<Module>> children_;
  std::vector<std::pair<std::string, Module*>> child_views_;
};

}  // namespace engine::layers
