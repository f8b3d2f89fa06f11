// Plain parameter records passed through the dispatch seam. They hold numbers only, so the CPU
// and CUDA implementations read exactly the same description of an op.
#pragma once

#include <cstdint>

namespace engine::kernels {

// Zero padding may differ per side (TensorFlow-style "same" padding needs that). No dilation:
// none of the four networks uses it.
struct Conv2dGeometry {
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  std::int64_t groups = 1;

  std::int64_t output_h(std::int64_t input_h) const {
    return (input_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
  }
  std::int64_t output_w(std::int64_t input_w) const {
    return (input_w + pad_left + pad_right - kernel_w) / stride_w + 1;
  }
};

// Pooling windows as in PyTorch with ceil_mode=false (what all four networks use).
// count_include_pad matters for average pooling only: true divides every window by kh*kw,
// false by the number of window positions that fall inside the image.
struct Pool2dGeometry {
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;
  bool count_include_pad = true;

  std::int64_t output_h(std::int64_t input_h) const {
    return (input_h + 2 * pad_h - kernel_h) / stride_h + 1;
  }
  std::int64_t output_w(std::int64_t input_w) const {
    return (input_w + 2 * pad_w - kernel_w) / stride_w + 1;
  }
};

// PyTorch's convention: running = (1 - momentum) * running + momentum * batch_statistic, with
// the unbiased batch variance going into running_var and the biased one used to normalise.
struct BatchNormConfig {
  double momentum = 0.1;
  double eps = 1e-5;
};

enum class Reduction : std::uint8_t { Mean, Sum };

// Softmax cross-entropy as torch.nn.functional.cross_entropy defines it: with label smoothing e
// over K classes the target distribution is (1 - e) on the label plus e / K on every class. With
// class weights w, the label term of sample i is weighted by w[target_i] and the smoothing term
// weights class k by w[k]; Mean divides the whole sum by the sum over i of w[target_i].
struct CrossEntropyConfig {
  Reduction reduction = Reduction::Mean;
  double label_smoothing = 0.0;
};

// Where a random op draws from the counter-based generator: element (or sample) i of this call
// uses the Philox counter (offset, i) under key `seed`, on every device.
struct RandomStream {
  std::uint64_t seed = 0;
  std::uint64_t offset = 0;
};

// torch.optim.SGD: weight decay either added to the gradient (L2, PyTorch's default) or applied
// to the weights directly (decoupled, as AdamW does). step counts from 1; at step 1 the momentum
// buffer is set to the gradient instead of being blended with it.
struct SgdConfig {
  double learning_rate = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;
  std::int64_t step = 1;
};

// torch.optim.AdamW (amsgrad off); step counts from 1 and drives the bias corrections.
struct AdamWConfig {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
  std::int64_t step = 1;
};

}  // namespace engine::kernels
