// Per-channel sums over the rows of a [rows, channels] (NHWC seen as [N * H * W, C]) tensor,
// shared by batch normalisation and channel_sum.
//
// Why blocks: in NHWC a channel's values are `channels` apart, so a loop that walks one channel
// down all rows reads memory with a large stride, and splitting the channels between threads
// makes both threads walk every row. Instead the rows are cut into blocks of consecutive rows;
// a block's sums are accumulated row by row into `channels` float64 accumulators (the inner
// loop runs over contiguous channels and vectorises), blocks are shared between threads, and the
// block totals are added in block order at the end. The block size depends on the shape only,
// so every sum has one fixed order and the result has the same bits for any thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cpu/parallel.h"
#include "tensor/tensor.h"

namespace engine::kernels::cpu {

// Rows per block: about 2^15 values, so a block is cache-sized work and a big tensor has many.
inline std::int64_t rows_per_block(std::int64_t channels) {
  return std::max<std::int64_t>(16, (std::int64_t{1} << 15) / std::max<std::int64_t>(1, channels));
}

// totals[s * channels + c] for s in [0, sums) = the sum over all rows r of the values that
// accumulate(first_row, last_row, accumulators) adds for rows [first_row, last_row) into
// accumulators[s * channels + c] (which start at zero for each block). `totals` has
// sums * channels entries and is overwritten.
template <typename Accumulate>
void sum_rows_by_blocks(std::int64_t rows, std::int64_t channels, int sums,
                        const Accumulate& accumulate, double* totals) {
  const std::int64_t width = sums * channels;
  std::fill(totals, totals + width, 0.0);
  if (rows <= 0 || channels <= 0) return;
  const std::int64_t block = rows_per_block(channels);
  const std::int64_t blocks = (rows + block - 1) / block;
  // Caching-allocator scratch: it can be hundreds of kilobytes, which malloc would map afresh.
  Tensor scratch = Tensor::empty({blocks, width}, DType::Float64);
  double* block_totals = scratch.data<double>();
  parallel_for(blocks, 1, [&](std::int64_t first_block, std::int64_t last_block) {
    // Accumulators private to this thread: neighbouring blocks of another thread may share a
    // cache line of block_totals, and the accumulators are written once per row.
    std::vector<double> accumulators(static_cast<std::size_t>(width));
    for (std::int64_t b = first_block; b < last_block; ++b) {
      std::fill(accumulators.begin(), accumulators.end(), 0.0);
      accumulate(b * block, std::min(rows, (b + 1) * block), accumulators.data());
      std::copy(accumulators.begin(), accumulators.end(), block_totals + b * width);
    }
  });
  for (std::int64_t b = 0; b < blocks; ++b) {
    const double* block_total = block_totals + b * width;
    for (std::int64_t i = 0; i < width; ++i) totals[i] += block_total[i];
  }
}

// Rows [0, rows) split between threads, about 2^15 values at least per thread:
// `body(first_row, last_row)` for the elementwise passes, where every output is independent.
template <typename Body>
void for_row_ranges(std::int64_t rows, std::int64_t channels, const Body& body) {
  parallel_for(
      rows,
      std::max<std::int64_t>(1, (std::int64_t{1} << 15) / std::max<std::int64_t>(1, channels)),
      body);
}

}  // namespace engine::kernels::cpu
