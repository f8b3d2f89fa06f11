// Sums in float64 in an order fixed by the shape alone, without atomics: the one deterministic
// reduction behind every per-channel, per-image and whole-tensor sum of the CUDA backend.
// C++17, included by .cu files only.
//
// Problem: `batches` matrices of `rows` x `columns` values, value(batch, row, column) given by a
// functor with a __device__ operator(). Result: float64 totals[batch * columns + column], the sum
// over the rows. Per-channel sums of NHWC data use rows = N * H * W and columns = C; per-image
// sums use batches = N and rows = H * W.
//
// Stage 1: the rows are cut into `chunks` consecutive ranges. Block (x, chunk, batch) has 32 x 8
// threads and covers columns 32x ... 32x + 31 of that chunk: thread (t, lane) adds rows
// first + lane, first + lane + 8, ... in increasing order, then lane 0 adds the 8 lane totals in
// lane order. Adjacent threads read adjacent columns (coalesced loads of NHWC data).
// Stage 2: one thread per (batch, column) adds the chunk totals in chunk order.
// The chunking depends on `rows` alone, never on the GPU or the timing, so every addition happens
// in the same order on every run: the bits are reproducible.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

struct ColumnShape {
  std::int64_t batches = 1, rows = 0, columns = 0;
};

constexpr int reduction_columns = 32;  // threads of a block along the columns
constexpr int reduction_lanes = 8;     // threads of a block along the rows
// About 2048 rows per chunk (256 values per thread) and at most 1024 chunks: large inputs get
// enough blocks to fill the GPU, small ones a single chunk.
constexpr std::int64_t rows_per_chunk = 2048;
constexpr std::int64_t maximum_chunks = 1024;

inline std::int64_t chunk_count(std::int64_t rows) {
  return std::clamp<std::int64_t>((rows + rows_per_chunk - 1) / rows_per_chunk, 1, maximum_chunks);
}

// ---- kernels ----------------------------------------------------------------------------------

// partials[(batch * chunks + chunk) * columns + column] = sum of that chunk's rows.
template <typename Values>
__global__ void sum_chunks(Values values, ColumnShape shape, std::int64_t chunks,
                           std::int64_t chunk_rows, double* partials) {
  __shared__ double lane_totals[reduction_lanes][reduction_columns];
  const std::int64_t column =
      static_cast<std::int64_t>(blockIdx.x) * reduction_columns + threadIdx.x;
  const std::int64_t chunk = blockIdx.y, batch = blockIdx.z;
  const std::int64_t first = chunk * chunk_rows;
  const std::int64_t last = first + chunk_rows < shape.rows ? first + chunk_rows : shape.rows;
  double total = 0.0;
  if (column < shape.columns) {
    for (std::int64_t row = first + threadIdx.y; row < last; row += reduction_lanes) {
      total += values(batch, row, column);
    }
  }
  lane_totals[threadIdx.y][threadIdx.x] = total;
  __syncthreads();
  if (threadIdx.y == 0 && column < shape.columns) {
    double sum = 0.0;
    for (int lane = 0; lane < reduction_lanes; ++lane) sum += lane_totals[lane][threadIdx.x];
    partials[(batch * chunks + chunk) * shape.columns + column] = sum;
  }
}

// A flat sequence value(0 .. count - 1) seen as rows of 32 columns (index = row * 32 + column),
// padded with zeros past the end, so a whole-tensor sum is a column sum followed by one fold.
template <typename FlatValues>
struct AsColumns {
  FlatValues flat;
  std::int64_t count;
  __device__ double operator()(std::int64_t, std::int64_t row, std::int64_t column) const {
    const std::int64_t index = row * reduction_columns + column;
    return index < count ? flat(index) : 0.0;
  }
};

// out[i] = totals[i] rounded once to T: a reduction's float64 result in the tensor's dtype.
template <typename T>
__global__ void round_totals(const double* totals, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    out[i] = static_cast<T>(totals[i]);
  }
}

// Stage 2 and the final fold of whole_sum, in column_sums.cu (not templates).
// totals[batch * columns + column] = the sum of that column's chunk totals, in chunk order.
void add_chunk_totals(Context& context, const Tensor& partials, const ColumnShape& shape,
                      std::int64_t chunks, Tensor& totals);
// float64 [1] = totals[0] + totals[1] + ..., in order.
Tensor fold_in_order(Context& context, const Tensor& totals);

// ---- launchers --------------------------------------------------------------------------------

// float64 [batches * columns] on the context's device; scratch comes from the caching allocator.
template <typename Values>
Tensor column_sums(Context& context, const Values& values, const ColumnShape& shape) {
  const std::int64_t count = shape.batches * shape.columns;
  Tensor totals = Tensor::empty({count}, DType::Float64, context.device());
  if (count == 0) return totals;
  if (shape.batches > 65535) {  // gridDim.z
    throw std::invalid_argument("CUDA column sums: " + std::to_string(shape.batches) +
                                " batches exceed the grid limit of 65535");
  }
  const std::int64_t chunks = chunk_count(shape.rows);
  const std::int64_t chunk_rows = (shape.rows + chunks - 1) / chunks;
  Tensor partials =
      Tensor::empty({shape.batches * chunks * shape.columns}, DType::Float64, context.device());
  const dim3 grid(
      static_cast<unsigned int>((shape.columns + reduction_columns - 1) / reduction_columns),
      static_cast<unsigned int>(chunks), static_cast<unsigned int>(shape.batches));
  const dim3 block(reduction_columns, reduction_lanes);
  sum_chunks<<<grid, block, 0, context.stream()>>>(values, shape, chunks, chunk_rows,
                                                   partials.data<double>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
  add_chunk_totals(context, partials, shape, chunks, totals);
  return totals;
}

// output (T, as many elements as totals) = totals rounded to T.
template <typename T>
void write_rounded(Context& context, const Tensor& totals, Tensor& output) {
  const std::int64_t count = totals.numel();
  round_totals<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
      totals.data<double>(), count, output.data<T>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
}

// float64 [1]: the sum of flat(i) for i in [0, count).
template <typename FlatValues>
Tensor whole_sum(Context& context, const FlatValues& flat, std::int64_t count) {
  const ColumnShape shape{1, (count + reduction_columns - 1) / reduction_columns,
                          reduction_columns};
  return fold_in_order(context, column_sums(context, AsColumns<FlatValues>{flat, count}, shape));
}

}  // namespace engine::kernels::cuda
