// The non-template stages of the deterministic reduction (column_sums.cuh explains the order).
#include "kernels/cuda/column_sums.cuh"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

// totals[batch * columns + column] = sum over chunks of partials[(batch * chunks + chunk) *
// columns + column], chunk ascending.
__global__ void sum_partials(const double* partials, ColumnShape shape, std::int64_t chunks,
                             double* totals) {
  const std::int64_t count = shape.batches * shape.columns;
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t batch = i / shape.columns, column = i % shape.columns;
    double sum = 0.0;
    for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
      sum += partials[(batch * chunks + chunk) * shape.columns + column];
    }
    totals[i] = sum;
  }
}

// total[0] = values[0] + ... + values[count - 1], in order, on one thread.
__global__ void fold(const double* values, std::int64_t count, double* total) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < count; ++i) sum += values[i];
  total[0] = sum;
}

}  // namespace

// ---- launchers --------------------------------------------------------------------------------

void add_chunk_totals(Context& context, const Tensor& partials, const ColumnShape& shape,
                      std::int64_t chunks, Tensor& totals) {
  const std::int64_t count = shape.batches * shape.columns;
  sum_partials<<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
      partials.data<double>(), shape, chunks, totals.data<double>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
}

Tensor fold_in_order(Context& context, const Tensor& totals) {
  Tensor total = Tensor::empty({1}, DType::Float64, context.device());
  fold<<<1, 1, 0, context.stream()>>>(totals.data<double>(), totals.numel(), total.data<double>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
  return total;
}

}  // namespace engine::kernels::cuda
