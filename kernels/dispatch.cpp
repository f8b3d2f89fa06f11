// The seam between the engine and its backends: one function per op, each with one visible
// switch on the backend chosen from its tensors' device. Nothing here computes; every entry
// checks the op's contract (contracts.cpp), runs the backend, and lets OpRun count and trace it.
#include "kernels/backend.h"
#include "kernels/contracts.h"
#include "kernels/op_run.h"
#include "kernels/ops.h"

namespace engine::kernels {

void fill(Tensor& output, double value) {
  contracts::fill(output, value);
  OpRun run(Op::fill, {}, {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::fill(output, value); break;
    case Backend::cuda: cuda::fill(output, value); break;
  }
  run.finish();
}

void copy(const Tensor& source, Tensor& destination) {
  contracts::copy(source, destination);
  OpRun run(Op::copy, {&source}, {&destination});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::copy(source, destination); break;
    case Backend::cuda: cuda::copy(source, destination); break;
  }
  run.finish();
}

void add(const Tensor& a, const Tensor& b, Tensor& output) {
  contracts::add(a, b, output);
  OpRun run(Op::add, {&a, &b}, {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::add(a, b, output); break;
    case Backend::cuda: cuda::add(a, b, output); break;
  }
  run.finish();
}

void scale(const Tensor& input, double alpha, Tensor& output) {
  contracts::scale(input, alpha, output);
  OpRun run(Op::scale, {&input}, {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::scale(input, alpha, output); break;
    case Backend::cuda: cuda::scale(input, alpha, output); break;
  }
  run.finish();
}

void squared_norm(const Tensor& input, Tensor& output) {
  contracts::squared_norm(input, output);
  OpRun run(Op::squared_norm, {&input}, {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::squared_norm(input, output); break;
    case Backend::cuda: cuda::squared_norm(input, output); break;
  }
  run.finish();
}

void relu_forward(const Tensor& x, Tensor& y) {
  contracts::relu_forward(x, y);
  OpRun run(Op::relu_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::relu_forward(x, y); break;
    case Backend::cuda: cuda::relu_forward(x, y); break;
  }
  run.finish();
}

void relu_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  contracts::relu_backward(grad_y, y, grad_x);
  OpRun run(Op::relu_backward, {&grad_y, &y}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::relu_backward(grad_y, y, grad_x); break;
    case Backend::cuda: cuda::relu_backward(grad_y, y, grad_x); break;
  }
  run.finish();
}

void silu_forward(const Tensor& x, Tensor& y) {
  contracts::silu_forward(x, y);
  OpRun run(Op::silu_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::silu_forward(x, y); break;
    case Backend::cuda: cuda::silu_forward(x, y); break;
  }
  run.finish();
}

void silu_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x) {
  contracts::silu_backward(grad_y, x, grad_x);
  OpRun run(Op::silu_backward, {&grad_y, &x}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::silu_backward(grad_y, x, grad_x); break;
    case Backend::cuda: cuda::silu_backward(grad_y, x, grad_x); break;
  }
  run.finish();
}

void sigmoid_forward(const Tensor& x, Tensor& y) {
  contracts::sigmoid_forward(x, y);
  OpRun run(Op::sigmoid_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::sigmoid_forward(x, y); break;
    case Backend::cuda: cuda::sigmoid_forward(x, y); break;
  }
  run.finish();
}

void sigmoid_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  contracts::sigmoid_backward(grad_y, y, grad_x);
  OpRun run(Op::sigmoid_backward, {&grad_y, &y}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::sigmoid_backward(grad_y, y, grad_x); break;
    case Backend::cuda: cuda::sigmoid_backward(grad_y, y, grad_x); break;
  }
  run.finish();
}

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const Conv2dGeometry& geometry) {
  contracts::conv2d_forward(x, weight, bias, y, geometry);
  OpRun run(Op::conv2d_forward, {&x, &weight, &bias}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
      cpu::reference::conv2d_forward(x, weight, bias, y, geometry);
      break;
    case Backend::cpu: cpu::conv2d_forward(x, weight, bias, y, geometry); break;
    case Backend::cuda: cuda::conv2d_forward(x, weight, bias, y, geometry); break;
  }
  run.finish();
}

void conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const Conv2dGeometry& geometry) {
  contracts::conv2d_grad_input(grad_y, weight, grad_x, geometry);
  OpRun run(Op::conv2d_grad_input, {&grad_y, &weight}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
      cpu::reference::conv2d_grad_input(grad_y, weight, grad_x, geometry);
      break;
    case Backend::cpu: cpu::conv2d_grad_input(grad_y, weight, grad_x, geometry); break;
    case Backend::cuda: cuda::conv2d_grad_input(grad_y, weight, grad_x, geometry); break;
  }
  run.finish();
}

void conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                        const Conv2dGeometry& geometry) {
  contracts::conv2d_grad_weight(grad_y, x, grad_weight, geometry);
  OpRun run(Op::conv2d_grad_weight, {&grad_y, &x}, {&grad_weight});
  switch (run.backend()) {
    case Backend::cpu_reference:
      cpu::reference::conv2d_grad_weight(grad_y, x, grad_weight, geometry);
      break;
    case Backend::cpu: cpu::conv2d_grad_weight(grad_y, x, grad_weight, geometry); break;
    case Backend::cuda: cuda::conv2d_grad_weight(grad_y, x, grad_weight, geometry); break;
  }
  run.finish();
}

void channel_sum(const Tensor& input, Tensor& output) {
  contracts::channel_sum(input, output);
  OpRun run(Op::channel_sum, {&input}, {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::channel_sum(input, output); break;
    case Backend::cuda: cuda::channel_sum(input, output); break;
  }
  run.finish();
}

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y) {
  contracts::linear_forward(x, weight, bias, y);
  OpRun run(Op::linear_forward, {&x, &weight, &bias}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference: cpu::reference::linear_forward(x, weight, bias, y); break;
    case Backend::cpu: cpu::linear_forward(x, weight, bias, y); break;
    case Backend::cuda: cuda::linear_forward(x, weight, bias, y); break;
  }
  run.finish();
}

void linear_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x) {
  contracts::linear_grad_input(grad_y, weight, grad_x);
  OpRun run(Op::linear_grad_input, {&grad_y, &weight}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference: cpu::reference::linear_grad_input(grad_y, weight, grad_x); break;
    case Backend::cpu: cpu::linear_grad_input(grad_y, weight, grad_x); break;
    case Backend::cuda: cuda::linear_grad_input(grad_y, weight, grad_x); break;
  }
  run.finish();
}

void linear_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight) {
  contracts::linear_grad_weight(grad_y, x, grad_weight);
  OpRun run(Op::linear_grad_weight, {&grad_y, &x}, {&grad_weight});
  switch (run.backend()) {
    case Backend::cpu_reference: cpu::reference::linear_grad_weight(grad_y, x, grad_weight); break;
    case Backend::cpu: cpu::linear_grad_weight(grad_y, x, grad_weight); break;
    case Backend::cuda: cuda::linear_grad_weight(grad_y, x, grad_weight); break;
  }
  run.finish();
}

void batch_norm_train_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                              Tensor& running_mean, Tensor& running_var,
                              const BatchNormConfig& config, Tensor& y, Tensor& saved_mean,
                              Tensor& saved_invstd) {
  contracts::batch_norm_train_forward(x, gamma, beta, running_mean, running_var, config, y,
                                      saved_mean, saved_invstd);
  OpRun run(Op::batch_norm_train_forward, {&x, &gamma, &beta},
            {&running_mean, &running_var, &y, &saved_mean, &saved_invstd});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu:
      cpu::batch_norm_train_forward(x, gamma, beta, running_mean, running_var, config, y,
                                    saved_mean, saved_invstd);
      break;
    case Backend::cuda:
      cuda::batch_norm_train_forward(x, gamma, beta, running_mean, running_var, config, y,
                                     saved_mean, saved_invstd);
      break;
  }
  run.finish();
}

void batch_norm_eval_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                             const Tensor& running_mean, const Tensor& running_var,
                             const BatchNormConfig& config, Tensor& y, Tensor& saved_invstd) {
  contracts::batch_norm_eval_forward(x, gamma, beta, running_mean, running_var, config, y,
                                     saved_invstd);
  OpRun run(Op::batch_norm_eval_forward, {&x, &gamma, &beta, &running_mean, &running_var},
            {&y, &saved_invstd});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu:
      cpu::batch_norm_eval_forward(x, gamma, beta, running_mean, running_var, config, y,
                                   saved_invstd);
      break;
    case Backend::cuda:
      cuda::batch_norm_eval_forward(x, gamma, beta, running_mean, running_var, config, y,
                                    saved_invstd);
      break;
  }
  run.finish();
}

void batch_norm_backward(const Tensor& grad_y, const Tensor& x, const Tensor& gamma,
                         const Tensor& mean, const Tensor& invstd, bool batch_statistics,
                         Tensor& grad_x, Tensor& grad_gamma, Tensor& grad_beta) {
  contracts::batch_norm_backward(grad_y, x, gamma, mean, invstd, batch_statistics, grad_x,
                                 grad_gamma, grad_beta);
  OpRun run(Op::batch_norm_backward, {&grad_y, &x, &gamma, &mean, &invstd},
            {&grad_x, &grad_gamma, &grad_beta});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu:
      cpu::batch_norm_backward(grad_y, x, gamma, mean, invstd, batch_statistics, grad_x, grad_gamma,
                               grad_beta);
      break;
    case Backend::cuda:
      cuda::batch_norm_backward(grad_y, x, gamma, mean, invstd, batch_statistics, grad_x,
                                grad_gamma, grad_beta);
      break;
  }
  run.finish();
}

void max_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  contracts::max_pool2d_forward(x, y, geometry);
  OpRun run(Op::max_pool2d_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::max_pool2d_forward(x, y, geometry); break;
    case Backend::cuda: cuda::max_pool2d_forward(x, y, geometry); break;
  }
  run.finish();
}

void max_pool2d_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x,
                         const Pool2dGeometry& geometry) {
  contracts::max_pool2d_backward(grad_y, x, grad_x, geometry);
  OpRun run(Op::max_pool2d_backward, {&grad_y, &x}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::max_pool2d_backward(grad_y, x, grad_x, geometry); break;
    case Backend::cuda: cuda::max_pool2d_backward(grad_y, x, grad_x, geometry); break;
  }
  run.finish();
}

void avg_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  contracts::avg_pool2d_forward(x, y, geometry);
  OpRun run(Op::avg_pool2d_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::avg_pool2d_forward(x, y, geometry); break;
    case Backend::cuda: cuda::avg_pool2d_forward(x, y, geometry); break;
  }
  run.finish();
}

void avg_pool2d_backward(const Tensor& grad_y, Tensor& grad_x, const Pool2dGeometry& geometry) {
  contracts::avg_pool2d_backward(grad_y, grad_x, geometry);
  OpRun run(Op::avg_pool2d_backward, {&grad_y}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::avg_pool2d_backward(grad_y, grad_x, geometry); break;
    case Backend::cuda: cuda::avg_pool2d_backward(grad_y, grad_x, geometry); break;
  }
  run.finish();
}

void global_avg_pool_forward(const Tensor& x, Tensor& y) {
  contracts::global_avg_pool_forward(x, y);
  OpRun run(Op::global_avg_pool_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::global_avg_pool_forward(x, y); break;
    case Backend::cuda: cuda::global_avg_pool_forward(x, y); break;
  }
  run.finish();
}

void global_avg_pool_backward(const Tensor& grad_y, Tensor& grad_x) {
  contracts::global_avg_pool_backward(grad_y, grad_x);
  OpRun run(Op::global_avg_pool_backward, {&grad_y}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::global_avg_pool_backward(grad_y, grad_x); break;
    case Backend::cuda: cuda::global_avg_pool_backward(grad_y, grad_x); break;
  }
  run.finish();
}

void channel_multiply_forward(const Tensor& x, const Tensor& s, Tensor& y) {
  contracts::channel_multiply_forward(x, s, y);
  OpRun run(Op::channel_multiply_forward, {&x, &s}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::channel_multiply_forward(x, s, y); break;
    case Backend::cuda: cuda::channel_multiply_forward(x, s, y); break;
  }
  run.finish();
}

void channel_multiply_backward(const Tensor& grad_y, const Tensor& x, const Tensor& s,
                               Tensor& grad_x, Tensor& grad_s) {
  contracts::channel_multiply_backward(grad_y, x, s, grad_x, grad_s);
  OpRun run(Op::channel_multiply_backward, {&grad_y, &x, &s}, {&grad_x, &grad_s});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::channel_multiply_backward(grad_y, x, s, grad_x, grad_s); break;
    case Backend::cuda: cuda::channel_multiply_backward(grad_y, x, s, grad_x, grad_s); break;
  }
  run.finish();
}

void concat_channels_forward(const std::vector<Tensor>& inputs, Tensor& output) {
  contracts::concat_channels_forward(inputs, output);
  OpRun run(Op::concat_channels_forward, pointers_to(inputs), {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::concat_channels_forward(inputs, output); break;
    case Backend::cuda: cuda::concat_channels_forward(inputs, output); break;
  }
  run.finish();
}

void concat_channels_backward(const Tensor& grad_output, std::vector<Tensor>& grad_inputs) {
  contracts::concat_channels_backward(grad_output, grad_inputs);
  OpRun run(Op::concat_channels_backward, {&grad_output}, pointers_to(grad_inputs));
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::concat_channels_backward(grad_output, grad_inputs); break;
    case Backend::cuda: cuda::concat_channels_backward(grad_output, grad_inputs); break;
  }
  run.finish();
}

void dropout_forward(const Tensor& x, double p, const RandomStream& stream, Tensor& y) {
  contracts::dropout_forward(x, p, stream, y);
  OpRun run(Op::dropout_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::dropout_forward(x, p, stream, y); break;
    case Backend::cuda: cuda::dropout_forward(x, p, stream, y); break;
  }
  run.finish();
}

void dropout_backward(const Tensor& grad_y, double p, const RandomStream& stream, Tensor& grad_x) {
  contracts::dropout_backward(grad_y, p, stream, grad_x);
  OpRun run(Op::dropout_backward, {&grad_y}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::dropout_backward(grad_y, p, stream, grad_x); break;
    case Backend::cuda: cuda::dropout_backward(grad_y, p, stream, grad_x); break;
  }
  run.finish();
}

void drop_path_forward(const Tensor& x, double p, const RandomStream& stream, Tensor& y) {
  contracts::drop_path_forward(x, p, stream, y);
  OpRun run(Op::drop_path_forward, {&x}, {&y});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::drop_path_forward(x, p, stream, y); break;
    case Backend::cuda: cuda::drop_path_forward(x, p, stream, y); break;
  }
  run.finish();
}

void drop_path_backward(const Tensor& grad_y, double p, const RandomStream& stream,
                        Tensor& grad_x) {
  contracts::drop_path_backward(grad_y, p, stream, grad_x);
  OpRun run(Op::drop_path_backward, {&grad_y}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::drop_path_backward(grad_y, p, stream, grad_x); break;
    case Backend::cuda: cuda::drop_path_backward(grad_y, p, stream, grad_x); break;
  }
  run.finish();
}

void softmax_cross_entropy_forward(const Tensor& logits, const Tensor& targets,
                                   const Tensor& class_weights, const CrossEntropyConfig& config,
                                   Tensor& loss) {
  contracts::softmax_cross_entropy_forward(logits, targets, class_weights, config, loss);
  OpRun run(Op::softmax_cross_entropy_forward, {&logits, &targets, &class_weights}, {&loss});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu:
      cpu::softmax_cross_entropy_forward(logits, targets, class_weights, config, loss);
      break;
    case Backend::cuda:
      cuda::softmax_cross_entropy_forward(logits, targets, class_weights, config, loss);
      break;
  }
  run.finish();
}

void softmax_cross_entropy_backward(const Tensor& grad_loss, const Tensor& logits,
                                    const Tensor& targets, const Tensor& class_weights,
                                    const CrossEntropyConfig& config, Tensor& grad_logits) {
  contracts::softmax_cross_entropy_backward(grad_loss, logits, targets, class_weights, config,
                                            grad_logits);
  OpRun run(Op::softmax_cross_entropy_backward, {&grad_loss, &logits, &targets, &class_weights},
            {&grad_logits});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu:
      cpu::softmax_cross_entropy_backward(grad_loss, logits, targets, class_weights, config,
                                          grad_logits);
      break;
    case Backend::cuda:
      cuda::softmax_cross_entropy_backward(grad_loss, logits, targets, class_weights, config,
                                           grad_logits);
      break;
  }
  run.finish();
}

void sum_forward(const Tensor& x, double factor, Tensor& output) {
  contracts::sum_forward(x, factor, output);
  OpRun run(Op::sum_forward, {&x}, {&output});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::sum_forward(x, factor, output); break;
    case Backend::cuda: cuda::sum_forward(x, factor, output); break;
  }
  run.finish();
}

void sum_backward(const Tensor& grad_output, double factor, Tensor& grad_x) {
  contracts::sum_backward(grad_output, factor, grad_x);
  OpRun run(Op::sum_backward, {&grad_output}, {&grad_x});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::sum_backward(grad_output, factor, grad_x); break;
    case Backend::cuda: cuda::sum_backward(grad_output, factor, grad_x); break;
  }
  run.finish();
}

void sgd_step(Tensor& parameter, const Tensor& grad, Tensor& momentum_buffer,
              const SgdConfig& config) {
  contracts::sgd_step(parameter, grad, momentum_buffer, config);
  OpRun run(Op::sgd_step, {&grad}, {&parameter, &momentum_buffer});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::sgd_step(parameter, grad, momentum_buffer, config); break;
    case Backend::cuda: cuda::sgd_step(parameter, grad, momentum_buffer, config); break;
  }
  run.finish();
}

void adamw_step(Tensor& parameter, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                const AdamWConfig& config) {
  contracts::adamw_step(parameter, grad, exp_avg, exp_avg_sq, config);
  OpRun run(Op::adamw_step, {&grad}, {&parameter, &exp_avg, &exp_avg_sq});
  switch (run.backend()) {
    case Backend::cpu_reference:
    case Backend::cpu: cpu::adamw_step(parameter, grad, exp_avg, exp_avg_sq, config); break;
    case Backend::cuda: cuda::adamw_step(parameter, grad, exp_avg, exp_avg_sq, config); break;
  }
  run.finish();
}

}  // namespace engine::kernels
