#include "autograd/autograd.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "kernels/ops.h"
#include "kernels/trace.h"

namespace engine {

namespace {

thread_local bool grad_mode_enabled = true;
std::atomic<std::uint64_t> next_sequence{0};

// Sum of two gradients, never in place: a gradient may be shared (add() hands the same tensor
// to both of its inputs), so writing into one would corrupt the other.
Tensor accumulate(const Tensor& existing, const Tensor& addition) {
  if (!existing.defined()) return addition;
  Tensor sum = Tensor::empty_like(existing);
  kernels::add(existing, addition, sum);
  return sum;
}

void check_gradient(const Node& node, std::size_t index, const Edge& edge, const Tensor& grad) {
  if (grad.shape() != edge.shape || grad.dtype() != edge.dtype) {
    throw std::logic_error("backward of " + node.name() + " returned " + grad.description() +
                           " for input " + std::to_string(index) + " of shape " +
                           to_string(edge.shape) + " and dtype " + name_of(edge.dtype));
  }
}

void accumulate_into_leaf(TensorImpl& leaf, const Tensor& grad) {
  // A gradient that nothing else references can be kept as it is; a shared one is copied so a
  // later in-place update of this leaf's grad (clipping, zeroing) cannot reach the other holder.
  if (!leaf.grad) {
    leaf.grad = grad.impl().use_count() == 1 ? grad.impl() : grad.clone().impl();
    return;
  }
  leaf.grad = accumulate(Tensor(leaf.grad), grad).impl();
}

std::vector<Node*> reachable_in_tape_order(Node* root) {
  std::vector<Node*> order;
  std::unordered_set<Node*> seen{root};
  std::vector<Node*> stack{root};
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    order.push_back(node);
    for (const Edge& edge : node->edges()) {
      if (edge.node && seen.insert(edge.node.get()).second) stack.push_back(edge.node.get());
    }
  }
  std::sort(order.begin(), order.end(),
            [](const Node* a, const Node* b) { return a->sequence() > b->sequence(); });
  return order;
}

}  // namespace

Node::Node(std::string name) : name_(std::move(name)), sequence_(next_sequence++) {}

bool grad_enabled() { return grad_mode_enabled; }

NoGradGuard::NoGradGuard() : previous_(grad_mode_enabled) { grad_mode_enabled = false; }
NoGradGuard::~NoGradGuard() { grad_mode_enabled = previous_; }

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!grad_mode_enabled) return false;
  return std::any_of(inputs.begin(), inputs.end(),
                     [](const Tensor& input) { return input.defined() && input.requires_grad(); });
}

void record(const std::shared_ptr<Node>& node, const std::vector<Tensor>& inputs, Tensor& output) {
  node->edges_.clear();
  for (const Tensor& input : inputs) {
    Edge edge;
    if (input.defined()) {
      edge.shape = input.shape();
      edge.dtype = input.dtype();
      if (input.requires_grad()) {
        if (input.is_leaf()) {
          edge.leaf = input.impl();
        } else {
          edge.node = input.grad_fn();
        }
      }
    }
    node->edges_.push_back(std::move(edge));
  }
  output.impl()->grad_fn = node;
  output.impl()->requires_grad = true;
  node->output_ = output.impl();
  // The module that recorded it, named again on the trace lines of the node's backward ops.
  if (kernels::trace_active()) node->module_ = kernels::trace_module();
}

void run_backward(const Tensor& root, const Tensor& gradient) {
  if (!root.requires_grad()) {
    throw std::logic_error("backward() on " + root.description() + ", which does not require grad");
  }
  Tensor seed = gradient;
  if (!seed.defined()) {
    if (root.numel() != 1) {
      throw std::logic_error("backward() without a gradient needs a single-element tensor, not " +
                             root.description());
    }
    seed = Tensor::full(root.shape(), 1.0, root.dtype(), root.device());
  }
  if (seed.shape() != root.shape() || seed.dtype() != root.dtype() ||
      seed.device() != root.device()) {
    throw std::invalid_argument("backward(): gradient " + seed.description() + " for " +
                                root.description());
  }
  if (root.is_leaf()) {
    accumulate_into_leaf(*root.impl(), seed);
    return;
  }

  std::unordered_map<Node*, Tensor> pending;
  pending[root.grad_fn().get()] = seed;
  const bool tracing = kernels::trace_active();
  for (Node* node : reachable_in_tape_order(root.grad_fn().get())) {
    auto found = pending.find(node);
    if (found == pending.end()) continue;  // no gradient flowed here
    const Tensor grad_output = found->second;
    pending.erase(found);
    std::optional<kernels::TraceScope> module;
    if (tracing) module.emplace(node->module());
    if (auto output = node->output_.lock(); output && output->retains_grad) {
      output->grad = accumulate(Tensor(output->grad), grad_output).impl();
    }
    std::vector<Tensor> grads = node->backward(grad_output);
    if (grads.size() != node->edges().size()) {
      throw std::logic_error("backward of " + node->name() + " returned " +
                             std::to_string(grads.size()) + " gradients for " +
                             std::to_string(node->edges().size()) + " inputs");
    }
    for (std::size_t i = 0; i < grads.size(); ++i) {
      const Edge& edge = node->edges()[i];
      if (!grads[i].defined() || (!edge.node && !edge.leaf)) continue;
      check_gradient(*node, i, edge, grads[i]);
      if (edge.node) {
        Tensor& slot = pending[edge.node.get()];
        slot = accumulate(slot, grads[i]);
      } else {
        accumulate_into_leaf(*edge.leaf, grads[i]);
      }
    }
  }
}

// Declared in tensor/tensor.h; defined here, in the layer that owns the tape.
void Tensor::backward(const Tensor& gradient) const { run_backward(*this, gradient); }

}  // namespace engine
