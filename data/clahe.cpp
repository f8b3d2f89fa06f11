#include "data/clahe.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine::data {

namespace {

// Where value v falls: its bin and its position inside the bin, in [0, 1).
struct BinPosition {
  int bin;
  float fraction;
};

BinPosition bin_of(float value, int bins) {
  const float scaled = std::clamp(value, 0.0f, 1.0f) * static_cast<float>(bins);
  const int bin = std::min(static_cast<int>(scaled), bins - 1);
  return {bin, scaled - static_cast<float>(bin)};
}

// One tile's mapping: below[b] is the share of the tile's (clipped) histogram below bin b,
// share[b] the share in bin b, so the output for a value in bin b at `fraction` is
// below[b] + fraction * share[b].
struct TileMapping {
  std::vector<float> below;
  std::vector<float> share;

  float map(BinPosition position) const {
    return below[position.bin] + position.fraction * share[position.bin];
  }
};

// Tile t of `tiles` over `size` pixels spans [bound(t), bound(t + 1)).
int tile_bound(int tile, int tiles, int size) {
  return static_cast<int>(static_cast<std::int64_t>(tile) * size / tiles);
}

TileMapping tile_mapping(const FloatImage& image, int x0, int x1, int y0, int y1,
                         const ClaheConfig& config) {
  std::vector<double> histogram(static_cast<std::size_t>(config.bins), 0.0);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) histogram[bin_of(image.at(x, y), config.bins).bin] += 1.0;
  }
  const double pixels = static_cast<double>(x1 - x0) * (y1 - y0);
  if (config.clip_limit > 0) {
    const double limit = std::max(1.0, config.clip_limit * pixels / config.bins);
    double excess = 0;
    for (double& count : histogram) {
      excess += std::max(0.0, count - limit);
      count = std::min(count, limit);
    }
    for (double& count : histogram) count += excess / config.bins;
  }
  TileMapping mapping;
  double cumulative = 0;
  for (const double count : histogram) {
    mapping.below.push_back(static_cast<float>(cumulative / pixels));
    mapping.share.push_back(static_cast<float>(count / pixels));
    cumulative += count;
  }
  return mapping;
}

// For a pixel centre at `position` along an axis, the two tiles whose centres surround it and
// the weight of the second. Outside the outermost centres both tiles are the nearest one.
struct AxisBlend {
  int first;
  int second;
  float weight;
};

AxisBlend axis_blend(float position, const std::vector<float>& centres) {
  const int last = static_cast<int>(centres.size()) - 1;
  if (position <= centres.front()) return {0, 0, 0.0f};
  if (position >= centres.back()) return {last, last, 0.0f};
  int first = 0;
  while (first + 1 < last && centres[first + 1] <= position) ++first;
  const float weight = (position - centres[first]) / (centres[first + 1] - centres[first]);
  return {first, first + 1, weight};
}

std::vector<float> tile_centres(int tiles, int size) {
  std::vector<float> centres;
  for (int t = 0; t < tiles; ++t) {
    centres.push_back(
        0.5f * static_cast<float>(tile_bound(t, tiles, size) + tile_bound(t + 1, tiles, size)));
  }
  return centres;
}

}  // namespace

FloatImage clahe(const FloatImage& image, const ClaheConfig& config) {
  if (config.tiles < 1 || config.bins < 2) {
    throw std::invalid_argument("clahe: tiles (" + std::to_string(config.tiles) +
                                ") must be at least 1 and bins (" + std::to_string(config.bins) +
                                ") at least 2");
  }
  if (image.width <= 0 || image.height <= 0) {
    throw std::invalid_argument("clahe: the image is empty");
  }
  const int tiles_x = std::min(config.tiles, image.width);
  const int tiles_y = std::min(config.tiles, image.height);
  std::vector<TileMapping> mappings;
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      mappings.push_back(tile_mapping(image, tile_bound(tx, tiles_x, image.width),
                                      tile_bound(tx + 1, tiles_x, image.width),
                                      tile_bound(ty, tiles_y, image.height),
                                      tile_bound(ty + 1, tiles_y, image.height), config));
    }
  }
  const std::vector<float> centres_x = tile_centres(tiles_x, image.width);
  const std::vector<float> centres_y = tile_centres(tiles_y, image.height);
  std::vector<AxisBlend> blends_x;
  for (int x = 0; x < image.width; ++x) {
    blends_x.push_back(axis_blend(static_cast<float>(x) + 0.5f, centres_x));
  }

  FloatImage result(image.width, image.height);
  for (int y = 0; y < image.height; ++y) {
    const AxisBlend by = axis_blend(static_cast<float>(y) + 0.5f, centres_y);
    const TileMapping* upper = &mappings[static_cast<std::size_t>(by.first) * tiles_x];
    const TileMapping* lower = &mappings[static_cast<std::size_t>(by.second) * tiles_x];
    for (int x = 0; x < image.width; ++x) {
      const AxisBlend& bx = blends_x[static_cast<std::size_t>(x)];
      const BinPosition position = bin_of(image.at(x, y), config.bins);
      const float top = (1 - bx.weight) * upper[bx.first].map(position) +
                        bx.weight * upper[bx.second].map(position);
      const float bottom = (1 - bx.weight) * lower[bx.first].map(position) +
                           bx.weight * lower[bx.second].map(position);
      result.at(x, y) = std::clamp((1 - by.weight) * top + by.weight * bottom, 0.0f, 1.0f);
    }
  }
  return result;
}

}  // namespace engine::data
