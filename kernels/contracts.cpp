// The contract of every op, checked before any backend runs. Messages name the op, the argument
// and the expectation, e.g. "conv2d_forward: weight must be [64, 3, 3, 32], got float32[...]".
#include "kernels/contracts.h"

#include <initializer_list>

namespace engine::kernels::contracts {

namespace {

[[noreturn]] void fail(const char* op, const std::string& message) {
  throw ContractError(std::string(op) + ": " + message);
}

void defined(const char* op, const char* name, const Tensor& tensor) {
  if (!tensor.defined()) fail(op, std::string(name) + " is undefined");
  if (!tensor.is_contiguous()) {
    fail(op, std::string(name) + " must be contiguous, got a strided " + tensor.description());
  }
}

void floating(const char* op, const char* name, const Tensor& tensor) {
  defined(op, name, tensor);
  if (tensor.dtype() != DType::Float32 && tensor.dtype() != DType::Float64) {
    fail(op, std::string(name) + " must be float32 or float64, got " + tensor.description());
  }
}

void rank(const char* op, const char* name, const Tensor& tensor, std::size_t expected) {
  if (tensor.rank() != expected) {
    fail(op, std::string(name) + " must have rank " + std::to_string(expected) + ", got " +
                 tensor.description());
  }
}

void shape(const char* op, const char* name, const Tensor& tensor, const Shape& expected) {
  defined(op, name, tensor);
  if (tensor.shape() != expected) {
    fail(op,
         std::string(name) + " must be " + to_string(expected) + ", got " + tensor.description());
  }
}

// Every defined tensor shares the first one's device and dtype. Integer-typed tensors (targets)
// are checked separately and are not passed here.
void alike(const char* op, std::initializer_list<std::pair<const char*, const Tensor*>> tensors) {
  const Tensor* first = nullptr;
  const char* first_name = nullptr;
  for (const auto& [name, tensor] : tensors) {
    if (!tensor->defined()) continue;
    if (first == nullptr) {
      first = tensor;
      first_name = name;
      continue;
    }
    if (tensor->device() != first->device() || tensor->dtype() != first->dtype()) {
      fail(op, std::string(name) + " is " + tensor->description() + " but " + first_name + " is " +
                   first->description());
    }
  }
}

void same_shape(const char* op, const char* name, const Tensor& tensor, const char* other_name,
                const Tensor& other) {
  floating(op, name, tensor);
  if (tensor.shape() != other.shape()) {
    fail(op, std::string(name) + " " + tensor.description() + " must have the shape of " +
                 other_name + " " + other.description());
  }
}

void nhwc(const char* op, const char* name, const Tensor& tensor) {
  floating(op, name, tensor);
  rank(op, name, tensor, 4);
}

void per_channel(const char* op, const char* name, const Tensor& tensor, std::int64_t channels) {
  floating(op, name, tensor);
  shape(op, name, tensor, Shape{channels});
}

void probability(const char* op, double p) {
  if (!(p >= 0.0 && p < 1.0)) fail(op, "p must be in [0, 1), got " + std::to_string(p));
}

// `x_name` and `weight_name` are the arguments as the op calls them (grad_x, grad_weight, ...).
void conv_geometry(const char* op, const char* x_name, const Tensor& x, const char* weight_name,
                   const Tensor& weight, const Conv2dGeometry& g) {
  if (g.kernel_h < 1 || g.kernel_w < 1 || g.stride_h < 1 || g.stride_w < 1 || g.groups < 1 ||
      g.pad_top < 0 || g.pad_bottom < 0 || g.pad_left < 0 || g.pad_right < 0) {
    fail(op, "kernel, stride and groups must be positive and padding non-negative");
  }
  nhwc(op, x_name, x);
  floating(op, weight_name, weight);
  rank(op, weight_name, weight, 4);
  const std::int64_t channels = x.size(3), outputs = weight.size(0);
  if (channels % g.groups != 0 || outputs % g.groups != 0) {
    fail(op, "input channels " + std::to_string(channels) + " and output channels " +
                 std::to_string(outputs) + " must both be divisible by groups " +
                 std::to_string(g.groups));
  }
  shape(op, weight_name, weight, Shape{outputs, g.kernel_h, g.kernel_w, channels / g.groups});
  if (g.output_h(x.size(1)) < 1 || g.output_w(x.size(2)) < 1) {
    fail(op, "kernel larger than the padded input " + x.description());
  }
  alike(op, {{x_name, &x}, {weight_name, &weight}});
}

Shape conv_output_shape(const Tensor& x, const Tensor& weight, const Conv2dGeometry& g) {
  return {x.size(0), g.output_h(x.size(1)), g.output_w(x.size(2)), weight.size(0)};
}

void pool_geometry(const char* op, const Tensor& x, const Pool2dGeometry& g) {
  nhwc(op, "x", x);
  if (g.kernel_h < 1 || g.kernel_w < 1 || g.stride_h < 1 || g.stride_w < 1 || g.pad_h < 0 ||
      g.pad_w < 0) {
    fail(op, "kernel and stride must be positive and padding non-negative");
  }
  // PyTorch's rule: padding at most half the kernel, so every window touches the image.
  if (2 * g.pad_h > g.kernel_h || 2 * g.pad_w > g.kernel_w) {
    fail(op, "padding must be at most half the kernel size");
  }
  if (g.output_h(x.size(1)) < 1 || g.output_w(x.size(2)) < 1) {
    fail(op, "window larger than the padded input " + x.description());
  }
}

Shape pool_output_shape(const Tensor& x, const Pool2dGeometry& g) {
  return {x.size(0), g.output_h(x.size(1)), g.output_w(x.size(2)), x.size(3)};
}

void cross_entropy_inputs(const char* op, const Tensor& logits, const Tensor& targets,
                          const Tensor& class_weights, const CrossEntropyConfig& config) {
  floating(op, "logits", logits);
  rank(op, "logits", logits, 2);
  defined(op, "targets", targets);
  if (targets.dtype() != DType::Int64 || targets.shape() != Shape{logits.size(0)} ||
      targets.device() != logits.device()) {
    fail(op, "targets must be int64[" + std::to_string(logits.size(0)) + "] on " +
                 logits.device().str() + ", got " + targets.description());
  }
  if (class_weights.defined()) per_channel(op, "class_weights", class_weights, logits.size(1));
  if (!(config.label_smoothing >= 0.0 && config.label_smoothing <= 1.0)) {
    fail(op, "label_smoothing must be in [0, 1]");
  }
  alike(op, {{"logits", &logits}, {"class_weights", &class_weights}});
}

}  // namespace

void fill(Tensor& output, double) { defined("fill", "output", output); }

void copy(const Tensor& source, Tensor& destination) {
  if (!source.defined()) fail("copy", "source is undefined");
  shape("copy", "destination", destination, source.shape());
  if (source.device() != destination.device()) {
    fail("copy", "source " + source.description() + " and destination " +
                     destination.description() + " must be on one device (use to(device))");
  }
}

void add(const Tensor& a, const Tensor& b, Tensor& output) {
  floating("add", "a", a);
  same_shape("add", "b", b, "a", a);
  same_shape("add", "output", output, "a", a);
  alike("add", {{"a", &a}, {"b", &b}, {"output", &output}});
}

void scale(const Tensor& input, double, Tensor& output) {
  floating("scale", "input", input);
  same_shape("scale", "output", output, "input", input);
  alike("scale", {{"input", &input}, {"output", &output}});
}

void squared_norm(const Tensor& input, Tensor& output) {
  floating("squared_norm", "input", input);
  shape("squared_norm", "output", output, Shape{});
  alike("squared_norm", {{"input", &input}, {"output", &output}});
}

namespace {
void unary(const char* op, const Tensor& x, const Tensor& y) {
  floating(op, "x", x);
  same_shape(op, "y", y, "x", x);
  alike(op, {{"x", &x}, {"y", &y}});
}
}  // namespace

void relu_forward(const Tensor& x, Tensor& y) { unary("relu_forward", x, y); }
void silu_forward(const Tensor& x, Tensor& y) { unary("silu_forward", x, y); }
void sigmoid_forward(const Tensor& x, Tensor& y) { unary("sigmoid_forward", x, y); }

namespace {
void activation_backward(const char* op, const Tensor& grad_y, const char* saved_name,
                         const Tensor& saved, Tensor& grad_x) {
  floating(op, "grad_y", grad_y);
  same_shape(op, saved_name, saved, "grad_y", grad_y);
  same_shape(op, "grad_x", grad_x, "grad_y", grad_y);
  alike(op, {{"grad_y", &grad_y}, {saved_name, &saved}, {"grad_x", &grad_x}});
}
}  // namespace

void relu_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  activation_backward("relu_backward", grad_y, "y", y, grad_x);
}
void silu_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x) {
  activation_backward("silu_backward", grad_y, "x", x, grad_x);
}
void sigmoid_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  activation_backward("sigmoid_backward", grad_y, "y", y, grad_x);
}

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const Conv2dGeometry& geometry) {
  const char* op = "conv2d_forward";
  conv_geometry(op, "x", x, "weight", weight, geometry);
  if (bias.defined()) per_channel(op, "bias", bias, weight.size(0));
  shape(op, "y", y, conv_output_shape(x, weight, geometry));
  alike(op, {{"x", &x}, {"bias", &bias}, {"y", &y}});
}

void conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const Conv2dGeometry& geometry) {
  const char* op = "conv2d_grad_input";
  conv_geometry(op, "grad_x", grad_x, "weight", weight, geometry);
  shape(op, "grad_y", grad_y, conv_output_shape(grad_x, weight, geometry));
  alike(op, {{"grad_x", &grad_x}, {"grad_y", &grad_y}});
}

void conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                        const Conv2dGeometry& geometry) {
  const char* op = "conv2d_grad_weight";
  conv_geometry(op, "x", x, "grad_weight", grad_weight, geometry);
  shape(op, "grad_y", grad_y, conv_output_shape(x, grad_weight, geometry));
  alike(op, {{"x", &x}, {"grad_y", &grad_y}});
}

void channel_sum(const Tensor& input, Tensor& output) {
  floating("channel_sum", "input", input);
  if (input.rank() < 1) fail("channel_sum", "input must have at least one dimension");
  per_channel("channel_sum", "output", output, input.size(-1));
  alike("channel_sum", {{"input", &input}, {"output", &output}});
}

namespace {
void linear_shapes(const char* op, const Tensor& x, const Tensor& weight) {
  floating(op, "x", x);
  rank(op, "x", x, 2);
  floating(op, "weight", weight);
  rank(op, "weight", weight, 2);
  if (weight.size(1) != x.size(1)) {
    fail(op, "weight " + weight.description() + " does not take inputs " + x.description());
  }
  alike(op, {{"x", &x}, {"weight", &weight}});
}
}  // namespace

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y) {
  linear_shapes("linear_forward", x, weight);
  if (bias.defined()) per_channel("linear_forward", "bias", bias, weight.size(0));
  shape("linear_forward", "y", y, Shape{x.size(0), weight.size(0)});
  alike("linear_forward", {{"x", &x}, {"bias", &bias}, {"y", &y}});
}

void linear_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x) {
  linear_shapes("linear_grad_input", grad_x, weight);
  shape("linear_grad_input", "grad_y", grad_y, Shape{grad_x.size(0), weight.size(0)});
  alike("linear_grad_input", {{"grad_x", &grad_x}, {"grad_y", &grad_y}});
}

void linear_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight) {
  linear_shapes("linear_grad_weight", x, grad_weight);
  shape("linear_grad_weight", "grad_y", grad_y, Shape{x.size(0), grad_weight.size(0)});
  alike("linear_grad_weight", {{"x", &x}, {"grad_y", &grad_y}});
}

namespace {
void batch_norm_parameters(const char* op, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                           const BatchNormConfig& config) {
  nhwc(op, "x", x);
  const std::int64_t channels = x.size(3);
  per_channel(op, "gamma", gamma, channels);
  per_channel(op, "beta", beta, channels);
  if (!(config.eps > 0.0) || !(config.momentum >= 0.0 && config.momentum <= 1.0)) {
    fail(op, "eps must be positive and momentum in [0, 1]");
  }
  alike(op, {{"x", &x}, {"gamma", &gamma}, {"beta", &beta}});
}
}  // namespace

void batch_norm_train_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                              Tensor& running_mean, Tensor& running_var,
                              const BatchNormConfig& config, Tensor& y, Tensor& saved_mean,
                              Tensor& saved_invstd) {
  const char* op = "batch_norm_train_forward";
  batch_norm_parameters(op, x, gamma, beta, config);
  const std::int64_t channels = x.size(3);
  per_channel(op, "running_mean", running_mean, channels);
  per_channel(op, "running_var", running_var, channels);
  per_channel(op, "saved_mean", saved_mean, channels);
  per_channel(op, "saved_invstd", saved_invstd, channels);
  same_shape(op, "y", y, "x", x);
  if (channels == 0 || x.numel() / channels < 2) {
    fail(op, "training needs more than one value per channel, got " + x.description());
  }
  alike(op, {{"x", &x},
             {"running_mean", &running_mean},
             {"running_var", &running_var},
             {"y", &y},
             {"saved_mean", &saved_mean},
             {"saved_invstd", &saved_invstd}});
}

void batch_norm_eval_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                             const Tensor& running_mean, const Tensor& running_var,
                             const BatchNormConfig& config, Tensor& y, Tensor& saved_invstd) {
  const char* op = "batch_norm_eval_forward";
  batch_norm_parameters(op, x, gamma, beta, config);
  const std::int64_t channels = x.size(3);
  per_channel(op, "running_mean", running_mean, channels);
  per_channel(op, "running_var", running_var, channels);
  per_channel(op, "saved_invstd", saved_invstd, channels);
  same_shape(op, "y", y, "x", x);
  alike(op, {{"x", &x},
             {"running_mean", &running_mean},
             {"running_var", &running_var},
             {"y", &y},
             {"saved_invstd", &saved_invstd}});
}

void batch_norm_backward(const Tensor& grad_y, const Tensor& x, const Tensor& gamma,
                         const Tensor& mean, const Tensor& invstd, bool, Tensor& grad_x,
                         Tensor& grad_gamma, Tensor& grad_beta) {
  const char* op = "batch_norm_backward";
  nhwc(op, "x", x);
  const std::int64_t channels = x.size(3);
  same_shape(op, "grad_y", grad_y, "x", x);
  same_shape(op, "grad_x", grad_x, "x", x);
  for (const auto& [name, tensor] : {std::pair<const char*, const Tensor*>{"gamma", &gamma},
                                     {"mean", &mean},
                                     {"invstd", &invstd},
                                     {"grad_gamma", &grad_gamma},
                                     {"grad_beta", &grad_beta}}) {
    per_channel(op, name, *tensor, channels);
  }
  alike(op, {{"x", &x},
             {"grad_y", &grad_y},
             {"grad_x", &grad_x},
             {"gamma", &gamma},
             {"mean", &mean},
             {"invstd", &invstd},
             {"grad_gamma", &grad_gamma},
             {"grad_beta", &grad_beta}});
}

void max_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  pool_geometry("max_pool2d_forward", x, geometry);
  shape("max_pool2d_forward", "y", y, pool_output_shape(x, geometry));
  alike("max_pool2d_forward", {{"x", &x}, {"y", &y}});
}

void max_pool2d_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x,
                         const Pool2dGeometry& geometry) {
  pool_geometry("max_pool2d_backward", x, geometry);
  shape("max_pool2d_backward", "grad_y", grad_y, pool_output_shape(x, geometry));
  same_shape("max_pool2d_backward", "grad_x", grad_x, "x", x);
  alike("max_pool2d_backward", {{"x", &x}, {"grad_y", &grad_y}, {"grad_x", &grad_x}});
}

void avg_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  pool_geometry("avg_pool2d_forward", x, geometry);
  shape("avg_pool2d_forward", "y", y, pool_output_shape(x, geometry));
  alike("avg_pool2d_forward", {{"x", &x}, {"y", &y}});
}

void avg_pool2d_backward(const Tensor& grad_y, Tensor& grad_x, const Pool2dGeometry& geometry) {
  pool_geometry("avg_pool2d_backward", grad_x, geometry);
  shape("avg_pool2d_backward", "grad_y", grad_y, pool_output_shape(grad_x, geometry));
  alike("avg_pool2d_backward", {{"grad_x", &grad_x}, {"grad_y", &grad_y}});
}

void global_avg_pool_forward(const Tensor& x, Tensor& y) {
  nhwc("global_avg_pool_forward", "x", x);
  shape("global_avg_pool_forward", "y", y, Shape{x.size(0), x.size(3)});
  alike("global_avg_pool_forward", {{"x", &x}, {"y", &y}});
}

void global_avg_pool_backward(const Tensor& grad_y, Tensor& grad_x) {
  nhwc("global_avg_pool_backward", "grad_x", grad_x);
  shape("global_avg_pool_backward", "grad_y", grad_y, Shape{grad_x.size(0), grad_x.size(3)});
  alike("global_avg_pool_backward", {{"grad_x", &grad_x}, {"grad_y", &grad_y}});
}

void channel_multiply_forward(const Tensor& x, const Tensor& s, Tensor& y) {
  nhwc("channel_multiply_forward", "x", x);
  shape("channel_multiply_forward", "s", s, Shape{x.size(0), x.size(3)});
  same_shape("channel_multiply_forward", "y", y, "x", x);
  alike("channel_multiply_forward", {{"x", &x}, {"s", &s}, {"y", &y}});
}

void channel_multiply_backward(const Tensor& grad_y, const Tensor& x, const Tensor& s,
                               Tensor& grad_x, Tensor& grad_s) {
  const char* op = "channel_multiply_backward";
  nhwc(op, "x", x);
  shape(op, "s", s, Shape{x.size(0), x.size(3)});
  same_shape(op, "grad_y", grad_y, "x", x);
  same_shape(op, "grad_x", grad_x, "x", x);
  same_shape(op, "grad_s", grad_s, "s", s);
  alike(op, {{"x", &x}, {"s", &s}, {"grad_y", &grad_y}, {"grad_x", &grad_x}, {"grad_s", &grad_s}});
}

namespace {
void concat_parts(const char* op, const std::vector<Tensor>& parts, const char* whole_name,
                  const Tensor& whole) {
  if (parts.empty()) fail(op, "needs at least one part");
  nhwc(op, whole_name, whole);
  std::int64_t channels = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string name = "part " + std::to_string(i);
    nhwc(op, name.c_str(), parts[i]);
    if (parts[i].size(0) != whole.size(0) || parts[i].size(1) != whole.size(1) ||
        parts[i].size(2) != whole.size(2)) {
      fail(op, name + " " + parts[i].description() + " differs from " + whole_name + " " +
                   whole.description() + " outside the channel dimension");
    }
    alike(op, {{whole_name, &whole}, {name.c_str(), &parts[i]}});
    channels += parts[i].size(3);
  }
  if (channels != whole.size(3)) {
    fail(op, "parts have " + std::to_string(channels) + " channels in all, " + whole_name +
                 " has " + std::to_string(whole.size(3)));
  }
}
}  // namespace

void concat_channels_forward(const std::vector<Tensor>& inputs, Tensor& output) {
  concat_parts("concat_channels_forward", inputs, "output", output);
}

void concat_channels_backward(const Tensor& grad_output, std::vector<Tensor>& grad_inputs) {
  concat_parts("concat_channels_backward", grad_inputs, "grad_output", grad_output);
}

void dropout_forward(const Tensor& x, double p, const RandomStream&, Tensor& y) {
  probability("dropout_forward", p);
  floating("dropout_forward", "x", x);
  same_shape("dropout_forward", "y", y, "x", x);
  alike("dropout_forward", {{"x", &x}, {"y", &y}});
}

void dropout_backward(const Tensor& grad_y, double p, const RandomStream&, Tensor& grad_x) {
  probability("dropout_backward", p);
  floating("dropout_backward", "grad_y", grad_y);
  same_shape("dropout_backward", "grad_x", grad_x, "grad_y", grad_y);
  alike("dropout_backward", {{"grad_y", &grad_y}, {"grad_x", &grad_x}});
}

void drop_path_forward(const Tensor& x, double p, const RandomStream&, Tensor& y) {
  probability("drop_path_forward", p);
  floating("drop_path_forward", "x", x);
  if (x.rank() < 1) fail("drop_path_forward", "x needs a sample dimension");
  same_shape("drop_path_forward", "y", y, "x", x);
  alike("drop_path_forward", {{"x", &x}, {"y", &y}});
}

void drop_path_backward(const Tensor& grad_y, double p, const RandomStream&, Tensor& grad_x) {
  probability("drop_path_backward", p);
  floating("drop_path_backward", "grad_y", grad_y);
  if (grad_y.rank() < 1) fail("drop_path_backward", "grad_y needs a sample dimension");
  same_shape("drop_path_backward", "grad_x", grad_x, "grad_y", grad_y);
  alike("drop_path_backward", {{"grad_y", &grad_y}, {"grad_x", &grad_x}});
}

void softmax_cross_entropy_forward(const Tensor& logits, const Tensor& targets,
                                   const Tensor& class_weights, const CrossEntropyConfig& config,
                                   Tensor& loss) {
  const char* op = "softmax_cross_entropy_forward";
  cross_entropy_inputs(op, logits, targets, class_weights, config);
  floating(op, "loss", loss);
  shape(op, "loss", loss, Shape{});
  alike(op, {{"logits", &logits}, {"loss", &loss}});
}

void softmax_cross_entropy_backward(const Tensor& grad_loss, const Tensor& logits,
                                    const Tensor& targets, const Tensor& class_weights,
                                    const CrossEntropyConfig& config, Tensor& grad_logits) {
  const char* op = "softmax_cross_entropy_backward";
  cross_entropy_inputs(op, logits, targets, class_weights, config);
  floating(op, "grad_loss", grad_loss);
  shape(op, "grad_loss", grad_loss, Shape{});
  same_shape(op, "grad_logits", grad_logits, "logits", logits);
  alike(op, {{"logits", &logits}, {"grad_loss", &grad_loss}, {"grad_logits", &grad_logits}});
}

void sum_forward(const Tensor& x, double, Tensor& output) {
  floating("sum_forward", "x", x);
  floating("sum_forward", "output", output);
  shape("sum_forward", "output", output, Shape{});
  alike("sum_forward", {{"x", &x}, {"output", &output}});
}

void sum_backward(const Tensor& grad_output, double, Tensor& grad_x) {
  floating("sum_backward", "grad_output", grad_output);
  shape("sum_backward", "grad_output", grad_output, Shape{});
  floating("sum_backward", "grad_x", grad_x);
  alike("sum_backward", {{"grad_output", &grad_output}, {"grad_x", &grad_x}});
}

void sgd_step(Tensor& parameter, const Tensor& grad, Tensor& momentum_buffer,
              const SgdConfig& config) {
  floating("sgd_step", "parameter", parameter);
  same_shape("sgd_step", "grad", grad, "parameter", parameter);
  if (config.momentum != 0.0) {
    same_shape("sgd_step", "momentum_buffer", momentum_buffer, "parameter", parameter);
  }
  if (config.nesterov && (config.momentum <= 0.0 || config.dampening != 0.0)) {
    fail("sgd_step", "Nesterov momentum needs momentum > 0 and dampening 0");
  }
  if (config.step < 1) fail("sgd_step", "step counts from 1");
  alike("sgd_step",
        {{"parameter", &parameter}, {"grad", &grad}, {"momentum_buffer", &momentum_buffer}});
}

void adamw_step(Tensor& parameter, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                const AdamWConfig& config) {
  floating("adamw_step", "parameter", parameter);
  same_shape("adamw_step", "grad", grad, "parameter", parameter);
  same_shape("adamw_step", "exp_avg", exp_avg, "parameter", parameter);
  same_shape("adamw_step", "exp_avg_sq", exp_avg_sq, "parameter", parameter);
  if (config.step < 1) fail("adamw_step", "step counts from 1");
  if (!(config.beta1 >= 0.0 && config.beta1 < 1.0 && config.beta2 >= 0.0 && config.beta2 < 1.0)) {
    fail("adamw_step", "betas must be in [0, 1)");
  }
  alike("adamw_step", {{"parameter", &parameter},
                       {"grad", &grad},
                       {"exp_avg", &exp_avg},
                       {"exp_avg_sq", &exp_avg_sq}});
}

}  // namespace engine::kernels::contracts
