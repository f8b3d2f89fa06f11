// concat_channels: NHWC tensors joined along the channel dimension (Inception's branches). The
// gradient is split back into the parts' channel blocks, so the node keeps only their shapes.
#include <stdexcept>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

namespace {

class ConcatChannelsNode final : public Node {
 public:
  explicit ConcatChannelsNode(std::vector<Shape> part_shapes)
      : Node("concat_channels"), part_shapes_(std::move(part_shapes)) {}

  std::vector<Tensor> backward(const Tensor& grad_output) override {
    std::vector<Tensor> grad_parts;
    for (const Shape& shape : part_shapes_) {
      grad_parts.push_back(Tensor::empty(shape, grad_output.dtype(), grad_output.device()));
    }
    kernels::concat_channels_backward(grad_output, grad_parts);
    return grad_parts;
  }

 private:
  std::vector<Shape> part_shapes_;
};

}  // namespace

Tensor concat_channels(const std::vector<Tensor>& parts) {
  // The output's shape is needed before the op's contract check can run, so the two facts it
  // rests on are checked here; everything else (matching N, H, W, dtype, device) by the op.
  if (parts.empty()) throw std::invalid_argument("concat_channels: needs at least one part");
  std::vector<Shape> part_shapes;
  std::int64_t channels = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].defined() || parts[i].rank() != 4) {
      throw std::invalid_argument("concat_channels: part " + std::to_string(i) +
                                  " must be an NHWC tensor, got " +
                                  (parts[i].defined() ? parts[i].description() : "undefined"));
    }
    part_shapes.push_back(parts[i].shape());
    channels += parts[i].size(3);
  }
  const Tensor& first = parts.front();
  Tensor output = Tensor::empty({first.size(0), first.size(1), first.size(2), channels},
                                first.dtype(), first.device());
  kernels::concat_channels_forward(parts, output);
  if (needs_grad(parts)) {
    record(std::make_shared<ConcatChannelsNode>(std::move(part_shapes)), parts, output);
  }
  return output;
}

}  // namespace engine
