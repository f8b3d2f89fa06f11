// CUDA: the fully connected layer as cuBLAS matrix products.
//
//   forward      y [N, O]      = x [N, K] · weight^T [K, O] + bias   (bias written first, beta 1)
//   grad_input   grad_x [N, K] = grad_y [N, O] · weight [O, K]
//   grad_weight  grad_w [O, K] = grad_y^T [O, N] · x [N, K]
//
// cuBLAS is column-major, and a row-major matrix M [R, C] is, read column-major, M^T [C, R] with
// leading dimension C. So each row-major product A · B = C above is computed as the column-major
// product B^T · A^T = C^T, every operand passed with its row length as leading dimension:
//   forward      y^T [O, N]      = op_T(weight as [K, O]) · x as [K, N]
//   grad_input   grad_x^T [K, N] = weight as [K, O] · grad_y as [O, N]
//   grad_weight  grad_w^T [K, O] = x as [K, N] · op_T(grad_y as [O, N])
// cuBLAS's math follows the determinism mode (Context::cublas): no TF32 when deterministic. On one
// stream with a fixed workspace, cuBLAS returns the same bits for the same call every time.
#include <climits>
#include <stdexcept>
#include <string>

#include "kernels/backend.h"
#include "kernels/cuda/context.h"
#include "kernels/cuda/cublas_check.h"
#include "kernels/cuda/launch.h"
#include "kernels/cuda/mode.h"
#include "kernels/cuda/trace_notes.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

// y[n, o] = bias[o], so that the product can be added on top (beta 1), as on the CPU.
template <typename T>
__global__ void write_bias_rows(const T* bias, std::int64_t outputs, std::int64_t count, T* y) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) y[i] = bias[i % outputs];
}

// ---- launchers --------------------------------------------------------------------------------

int as_int(std::int64_t value, const char* op) {
  if (value > INT_MAX) {
    throw std::invalid_argument(std::string(op) + ": a matrix extent of " + std::to_string(value) +
                                " exceeds cuBLAS's 32-bit sizes");
  }
  return static_cast<int>(value);
}

// C [m, n] = alpha op(A) [m, k] · op(B) [k, n] + beta C, column-major, alpha = 1.
void gemm(cublasHandle_t handle, cublasOperation_t a_operation, cublasOperation_t b_operation,
          int m, int n, int k, const float* a, int lda, const float* b, int ldb, float beta,
          float* c, int ldc) {
  const float alpha = 1.0f;
  ENGINE_CUBLAS_CHECK(cublasSgemm(handle, a_operation, b_operation, m, n, k, &alpha, a, lda, b, ldb,
                                  &beta, c, ldc));
}

void gemm(cublasHandle_t handle, cublasOperation_t a_operation, cublasOperation_t b_operation,
          int m, int n, int k, const double* a, int lda, const double* b, int ldb, double beta,
          double* c, int ldc) {
  const double alpha = 1.0;
  ENGINE_CUBLAS_CHECK(cublasDgemm(handle, a_operation, b_operation, m, n, k, &alpha, a, lda, b, ldb,
                                  &beta, c, ldc));
}

void note_math() {
  note_for_trace("cublas_math",
                 deterministic() ? "CUBLAS_DEFAULT_MATH (no TF32)" : "CUBLAS_TF32_TENSOR_OP_MATH");
}

}  // namespace

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y) {
  Context& context = Context::of(y);
  const std::int64_t batch = x.size(0), inputs = x.size(1), outputs = weight.size(0);
  if (y.numel() == 0) return;
  with_floating_type("linear_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (bias.defined()) {
      write_bias_rows<T><<<blocks_for(y.numel()), threads_per_block, 0, context.stream()>>>(
          bias.data<T>(), outputs, y.numel(), y.data<T>());
      ENGINE_CUDA_CHECK(cudaGetLastError());
    } else if (inputs == 0) {
      fill(y, 0.0);  // an empty sum
    }
    if (inputs == 0) return;
    note_math();
    gemm(context.cublas(), CUBLAS_OP_T, CUBLAS_OP_N, as_int(outputs, "linear_forward"),
         as_int(batch, "linear_forward"), as_int(inputs, "linear_forward"), weight.data<T>(),
         static_cast<int>(inputs), x.data<T>(), static_cast<int>(inputs),
         bias.defined() ? T(1) : T(0), y.data<T>(), static_cast<int>(outputs));
  });
}

void linear_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x) {
  Context& context = Context::of(grad_x);
  const std::int64_t batch = grad_x.size(0), inputs = grad_x.size(1), outputs = weight.size(0);
  if (grad_x.numel() == 0) return;
  if (outputs == 0) return fill(grad_x, 0.0);
  with_floating_type("linear_grad_input", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    note_math();
    gemm(context.cublas(), CUBLAS_OP_N, CUBLAS_OP_N, as_int(inputs, "linear_grad_input"),
         as_int(batch, "linear_grad_input"), as_int(outputs, "linear_grad_input"), weight.data<T>(),
         static_cast<int>(inputs), grad_y.data<T>(), static_cast<int>(outputs), T(0),
         grad_x.data<T>(), static_cast<int>(inputs));
  });
}

void linear_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight) {
  Context& context = Context::of(grad_weight);
  const std::int64_t batch = x.size(0), inputs = x.size(1), outputs = grad_weight.size(0);
  if (grad_weight.numel() == 0) return;
  if (batch == 0) return fill(grad_weight, 0.0);  // an empty batch has no gradient
  with_floating_type("linear_grad_weight", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    note_math();
    gemm(context.cublas(), CUBLAS_OP_N, CUBLAS_OP_T, as_int(inputs, "linear_grad_weight"),
         as_int(outputs, "linear_grad_weight"), as_int(batch, "linear_grad_weight"), x.data<T>(),
         static_cast<int>(inputs), grad_y.data<T>(), static_cast<int>(outputs), T(0),
         grad_weight.data<T>(), static_cast<int>(inputs));
  });
}

}  // namespace engine::kernels::cuda
