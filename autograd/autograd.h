// Reverse-mode automatic differentiation.
//
// Every differentiable function that runs while gradients are enabled records a Node: what it
// needs for its backward pass (its saved tensors, written out as members of its Node subclass,
// always detached so the graph holds no cycles) and an Edge to where each input's gradient goes.
// Nodes are numbered in the order they are recorded, so the graph is a tape: backward() visits
// the nodes reachable from the output in reverse recording order, which is a valid topological
// order, and the same program always visits them in the same order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace engine {

struct Edge {
  std::shared_ptr<Node> node;        // the producer of a non-leaf input, or
  std::shared_ptr<TensorImpl> leaf;  // a leaf input that requires grad; both null: no gradient
  Shape shape;                       // the input's shape, checked against the gradient returned
  DType dtype = DType::Float32;
};

class Node {
 public:
  explicit Node(std::string name);
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // One gradient per input, in the order the inputs were given to record(). An undefined Tensor
  // means the input gets no gradient. grad_output has the output's shape.
  virtual std::vector<Tensor> backward(const Tensor& grad_output) = 0;

  const std::string& name() const { return name_; }
  std::uint64_t sequence() const { return sequence_; }
  // The module whose forward pass recorded the node (kernels/trace.h), kept only while tracing.
  const std::string& module() const { return module_; }
  const std::vector<Edge>& edges() const { return edges_; }

 private:
  friend void record(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs,
                     Tensor& output);
  friend void run_backward(const Tensor& root, const Tensor& gradient);

  std::string name_;
  std::string module_;
  std::uint64_t sequence_;
  std::vector<Edge> edges_;
  std::weak_ptr<TensorImpl> output_;  // to honour retain_grad()
};

// Whether functions record nodes on this thread (true unless a NoGradGuard is alive).
bool grad_enabled();

class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True when gradients are enabled and at least one defined input requires them.
bool needs_grad(const std::vector<Tensor>& inputs);

// Connects `node` to `inputs` (undefined inputs get no edge) and makes it output's grad_fn.
void record(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs, Tensor& output);

// The backward pass behind Tensor::backward().
void run_backward(const Tensor& root, const Tensor& gradient);

}  // namespace engine
