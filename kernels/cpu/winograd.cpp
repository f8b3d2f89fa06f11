#include "kernels/cpu/winograd.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/cpu/blas.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/trace.h"

namespace engine::kernels::cpu {

namespace {

constexpr std::int64_t positions = 16;  // the 4x4 transformed domain

// Below these the transforms and the 16 small products cost more than they save. Measured
// single-threaded on the 2-core bench machine (docs/BENCHMARKS.md, "Winograd"): at batch 1 the
// 7x7 layer of ResNet's last stage (16 tiles) took twice the time of im2col, the 14x14 one (49
// tiles) the same forward and 25% more for grad_input, and every layer with at least 128 tiles
// less. The channel floor (not measured) keeps thin products such as a 3-channel stem out.
constexpr std::int64_t minimum_tiles = 64;
constexpr std::int64_t minimum_channels = 16;

// Transformed inputs and products of one chunk of tiles: about 2^20 values each at most (4 MiB
// of float32, near the L2 + L3 share of one core), but at least 64 tiles so that the products
// keep enough rows to block over. Single-threaded at batch 8, 2^21 cost ResNet's 56x56 3x3 layer
// about 18% and 2^19 cost the 14x14 one about 9%.
constexpr std::int64_t chunk_budget = 1 << 20;
constexpr std::int64_t minimum_chunk_tiles = 64;

// One stride-1 3x3 convolution as the Winograd path sees it: input [N, H, W, C] (x, or grad_y
// for grad_input), output [N, OH, OW, O] with OH = H + pad_top + pad_bottom - 2, and the
// transformed filters U [16, O, C].
struct Problem {
  const float* input = nullptr;
  std::int64_t batch = 0, height = 0, width = 0, channels = 0;
  std::int64_t pad_top = 0, pad_left = 0;
  float* output = nullptr;
  std::int64_t out_height = 0, out_width = 0, outputs = 0;
  const float* bias = nullptr;  // [O] or null

  std::int64_t tile_rows() const { return (out_height + 1) / 2; }
  std::int64_t tile_columns() const { return (out_width + 1) / 2; }
  std::int64_t tiles() const { return batch * tile_rows() * tile_columns(); }
};

// U[k, o, c] = (G g G^T)[k] for every filter g = filter(o, c) (a 3x3 array read through `tap`).
template <typename Tap>
Tensor transform_filters(std::int64_t outputs, std::int64_t channels, const Tap& tap) {
  Tensor transformed = Tensor::empty({positions, outputs, channels}, DType::Float32);
  float* u = transformed.data<float>();
  const std::int64_t plane = outputs * channels;
  parallel_for(outputs, grain_for(9 * channels), [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t o = first; o < last; ++o) {
#pragma GCC ivdep
      for (std::int64_t c = 0; c < channels; ++c) {
        float g[3][3];
        for (int kh = 0; kh < 3; ++kh) {
          for (int kw = 0; kw < 3; ++kw) g[kh][kw] = tap(o, c, kh, kw);
        }
        float rows[4][3];  // G g
        for (int kw = 0; kw < 3; ++kw) {
          rows[0][kw] = g[0][kw];
          rows[1][kw] = 0.5f * (g[0][kw] + g[1][kw] + g[2][kw]);
          rows[2][kw] = 0.5f * (g[0][kw] - g[1][kw] + g[2][kw]);
          rows[3][kw] = g[2][kw];
        }
        float* target = u + o * channels + c;
        for (int i = 0; i < 4; ++i) {  // (G g) G^T
          const float* r = rows[i];
          target[(i * 4 + 0) * plane] = r[0];
          target[(i * 4 + 1) * plane] = 0.5f * (r[0] + r[1] + r[2]);
          target[(i * 4 + 2) * plane] = 0.5f * (r[0] - r[1] + r[2]);
          target[(i * 4 + 3) * plane] = r[2];
        }
      }
    }
  });
  return transformed;
}

// V[k, t - first, :] = (B^T d B)[k] for the tiles t in [first, first + count), per channel.
void transform_inputs(const Problem& p, std::int64_t first, std::int64_t count, const float* zeros,
                      float* v) {
  const std::int64_t channels = p.channels, plane = count * channels;
  const std::int64_t per_image = p.tile_rows() * p.tile_columns();
  parallel_for(count, grain_for(positions * channels), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t tile = first + t, n = tile / per_image;
      const std::int64_t row = (tile % per_image) / p.tile_columns();
      const std::int64_t column = tile % p.tile_columns();
      const float* d[4][4];  // the 16 input pixels of the tile; padding reads `zeros`
      for (int i = 0; i < 4; ++i) {
        const std::int64_t ih = 2 * row - p.pad_top + i;
        for (int j = 0; j < 4; ++j) {
          const std::int64_t iw = 2 * column - p.pad_left + j;
          const bool inside = ih >= 0 && ih < p.height && iw >= 0 && iw < p.width;
          d[i][j] = inside ? p.input + ((n * p.height + ih) * p.width + iw) * channels : zeros;
        }
      }
      float* target = v + t * channels;
      // The 16 source and 16 target streams never overlap; without saying so the loop over
      // channels stays scalar.
#pragma GCC ivdep
      for (std::int64_t c = 0; c < channels; ++c) {
        float rows[4][4];  // B^T d
        for (int j = 0; j < 4; ++j) {
          const float d0 = d[0][j][c], d1 = d[1][j][c], d2 = d[2][j][c], d3 = d[3][j][c];
          rows[0][j] = d0 - d2;
          rows[1][j] = d1 + d2;
          rows[2][j] = d2 - d1;
          rows[3][j] = d1 - d3;
        }
        for (int i = 0; i < 4; ++i) {  // (B^T d) B
          const float* r = rows[i];
          target[(i * 4 + 0) * plane + c] = r[0] - r[2];
          target[(i * 4 + 1) * plane + c] = r[1] + r[2];
          target[(i * 4 + 2) * plane + c] = r[2] - r[1];
          target[(i * 4 + 3) * plane + c] = r[1] - r[3];
        }
      }
    }
  });
}

// y (2x2 per tile) = A^T M A (+ bias), written where the tile lies inside the output.
void transform_outputs(const Problem& p, std::int64_t first, std::int64_t count, const float* m) {
  const std::int64_t outputs = p.outputs, plane = count * outputs;
  const std::int64_t per_image = p.tile_rows() * p.tile_columns();
  // Outputs of an edge tile that fall outside y go to `discard`, and a missing bias reads zeros,
  // so the loop over channels has no condition and vectorises.
  const std::vector<float> zeros(p.bias != nullptr ? 0 : static_cast<std::size_t>(outputs), 0.0f);
  const float* bias = p.bias != nullptr ? p.bias : zeros.data();
  parallel_for(count, grain_for(positions * outputs), [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> discard(static_cast<std::size_t>(outputs));
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t tile = first + t, n = tile / per_image;
      const std::int64_t oh = 2 * ((tile % per_image) / p.tile_columns());
      const std::int64_t ow = 2 * (tile % p.tile_columns());
      const bool second_row = oh + 1 < p.out_height, second_column = ow + 1 < p.out_width;
      float* y00 = p.output + ((n * p.out_height + oh) * p.out_width + ow) * outputs;
      float* y01 = second_column ? y00 + outputs : discard.data();
      float* y10 = second_row ? y00 + p.out_width * outputs : discard.data();
      float* y11 = second_row && second_column ? y10 + outputs : discard.data();
      const float* source = m + t * outputs;
#pragma GCC ivdep
      for (std::int64_t o = 0; o < outputs; ++o) {
        float s0[4], s1[4];  // A^T M
        for (int j = 0; j < 4; ++j) {
          const float m0 = source[(0 + j) * plane + o], m1 = source[(4 + j) * plane + o];
          const float m2 = source[(8 + j) * plane + o], m3 = source[(12 + j) * plane + o];
          s0[j] = m0 + m1 + m2;
          s1[j] = m1 - m2 - m3;
        }
        y00[o] = s0[0] + s0[1] + s0[2] + bias[o];  // (A^T M) A
        y01[o] = s0[1] - s0[2] - s0[3] + bias[o];
        y10[o] = s1[0] + s1[1] + s1[2] + bias[o];
        y11[o] = s1[1] - s1[2] - s1[3] + bias[o];
      }
    }
  });
}

void run(const Problem& p, const Tensor& filters) {
  const std::int64_t tiles = p.tiles();
  if (tiles == 0) return;
  const std::int64_t widest = std::max(p.channels, p.outputs);
  const std::int64_t chunk = std::clamp<std::int64_t>(chunk_budget / (positions * widest),
                                                      std::min(minimum_chunk_tiles, tiles), tiles);
  // Scratch from the caching allocator, uninitialised: every value is written before it is read.
  Tensor transformed = Tensor::empty({positions, chunk, p.channels}, DType::Float32);
  Tensor products = Tensor::empty({positions, chunk, p.outputs}, DType::Float32);
  const std::vector<float> zeros(static_cast<std::size_t>(p.channels), 0.0f);
  float* v = transformed.data<float>();
  float* m = products.data<float>();
  const float* u = filters.data<float>();
  for (std::int64_t first = 0; first < tiles; first += chunk) {
    const std::int64_t count = std::min(chunk, tiles - first);
    transform_inputs(p, first, count, zeros.data(), v);
    for (std::int64_t k = 0; k < positions; ++k) {
      blas::gemm<float>(blas::Transpose::no, blas::Transpose::yes, count, p.outputs, p.channels,
                        1.0f, v + k * count * p.channels, p.channels,
                        u + k * p.outputs * p.channels, p.channels, 0.0f, m + k * count * p.outputs,
                        p.outputs);
    }
    transform_outputs(p, first, count, m);
  }
}

}  // namespace

namespace {

std::atomic<bool>& enabled_flag() {
  static std::atomic<bool> enabled = [] {
    const char* value = std::getenv("ENGINE_CPU_WINOGRAD");
    return value != nullptr && std::strcmp(value, "1") == 0;
  }();
  return enabled;
}

}  // namespace

bool winograd_enabled() { return enabled_flag().load(std::memory_order_relaxed); }

void set_winograd_enabled(bool enabled) {
  enabled_flag().store(enabled, std::memory_order_relaxed);
}

bool winograd_applies(const ConvolutionShape& s, DType dtype) {
  if (!winograd_enabled()) return false;
  const Conv2dGeometry& g = s.geometry;
  const auto padding_fits = [](std::int64_t pad) { return pad >= 0 && pad <= 2; };
  return dtype == DType::Float32 && g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 &&
         g.stride_w == 1 && s.groups == 1 && padding_fits(g.pad_top) &&
         padding_fits(g.pad_bottom) && padding_fits(g.pad_left) && padding_fits(g.pad_right) &&
         std::min(s.channels, s.outputs) >= minimum_channels &&
         s.batch * ((s.out_height + 1) / 2) * ((s.out_width + 1) / 2) >= minimum_tiles;
}

void winograd_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                             const ConvolutionShape& s) {
  const float* w = weight.data<float>();
  const std::int64_t channels = s.channels;
  const auto tap = [&](std::int64_t o, std::int64_t c, int kh, int kw) {
    return w[((o * 3 + kh) * 3 + kw) * channels + c];  // OHWI
  };
  Problem p;
  p.input = x.data<float>();
  p.batch = s.batch, p.height = s.height, p.width = s.width, p.channels = channels;
  p.pad_top = s.geometry.pad_top, p.pad_left = s.geometry.pad_left;
  p.output = y.data<float>();
  p.out_height = s.out_height, p.out_width = s.out_width, p.outputs = s.outputs;
  p.bias = bias.defined() ? bias.data<float>() : nullptr;
  run(p, transform_filters(s.outputs, channels, tap));
}

void winograd_conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                                const ConvolutionShape& s) {
  // grad_x = conv(grad_y, g') with g'[c, kh, kw, o] = weight[o, 2 - kh, 2 - kw, c], padded by
  // 2 - pad, whose output has the input's size.
  const float* w = weight.data<float>();
  const std::int64_t channels = s.channels;
  const auto tap = [&](std::int64_t c, std::int64_t o, int kh, int kw) {
    return w[((o * 3 + (2 - kh)) * 3 + (2 - kw)) * channels + c];
  };
  Problem p;
  p.input = grad_y.data<float>();
  p.batch = s.batch, p.height = s.out_height, p.width = s.out_width, p.channels = s.outputs;
  p.pad_top = 2 - s.geometry.pad_top, p.pad_left = 2 - s.geometry.pad_left;
  p.output = grad_x.data<float>();
  p.out_height = s.height, p.out_width = s.width, p.outputs = channels;
  run(p, transform_filters(channels, s.outputs, tap));
}

}  // namespace engine::kernels::cpu
