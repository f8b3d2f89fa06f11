#include "data/resize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace engine::data {

namespace {

// The source pixels [first, first + weights.size()) that make up one output pixel, and their
// normalised weights.
struct Footprint {
  int first = 0;
  std::vector<float> weights;
};

std::vector<Footprint> footprints(int source_size, int output_size) {
  const double scale = static_cast<double>(source_size) / output_size;
  const double half_width = std::max(scale, 1.0) / 2.0;
  std::vector<Footprint> result(static_cast<std::size_t>(output_size));
  for (int output = 0; output < output_size; ++output) {
    const double centre = (output + 0.5) * scale;
    const double begin = std::max(centre - half_width, 0.0);
    const double end = std::min(centre + half_width, static_cast<double>(source_size));
    const int first = static_cast<int>(std::floor(begin));
    const int last = std::min(static_cast<int>(std::ceil(end)), source_size);  // exclusive
    Footprint& footprint = result[static_cast<std::size_t>(output)];
    footprint.first = first;
    double total = 0;
    std::vector<double> weights;
    for (int pixel = first; pixel < last; ++pixel) {
      const double covered = std::min<double>(pixel + 1, end) - std::max<double>(pixel, begin);
      weights.push_back(std::max(covered, 0.0));
      total += weights.back();
    }
    for (const double weight : weights)
      footprint.weights.push_back(static_cast<float>(weight / total));
  }
  return result;
}

void check_size(int width, int height, const char* what) {
  if (width <= 0 || height <= 0) {
    throw std::invalid_argument(std::string("resize: ") + what + " size " + std::to_string(width) +
                                " x " + std::to_string(height) + " must be positive");
  }
}

}  // namespace

FloatImage resize(const FloatImage& source, int width, int height) {
  check_size(source.width, source.height, "source");
  check_size(width, height, "target");
  const std::vector<Footprint> columns = footprints(source.width, width);
  const std::vector<Footprint> rows = footprints(source.height, height);

  FloatImage horizontal(width, source.height);
  for (int y = 0; y < source.height; ++y) {
    const float* source_row = &source.pixels[static_cast<std::size_t>(y) * source.width];
    for (int x = 0; x < width; ++x) {
      const Footprint& footprint = columns[static_cast<std::size_t>(x)];
      float sum = 0;
      for (std::size_t k = 0; k < footprint.weights.size(); ++k) {
        sum += footprint.weights[k] * source_row[footprint.first + static_cast<int>(k)];
      }
      horizontal.at(x, y) = sum;
    }
  }

  FloatImage result(width, height);
  for (int y = 0; y < height; ++y) {
    const Footprint& footprint = rows[static_cast<std::size_t>(y)];
    float* output_row = &result.pixels[static_cast<std::size_t>(y) * width];
    for (std::size_t k = 0; k < footprint.weights.size(); ++k) {
      const float weight = footprint.weights[k];
      const float* input_row =
          &horizontal
               .pixels[static_cast<std::size_t>(footprint.first + static_cast<int>(k)) * width];
      for (int x = 0; x < width; ++x) output_row[x] += weight * input_row[x];
    }
  }
  return result;
}

FloatImage resize_to_square(const FloatImage& source, int size, ResizeMode mode) {
  check_size(source.width, source.height, "source");
  check_size(size, size, "target");
  if (mode == ResizeMode::Squash) return resize(source, size, size);
  const int longer = std::max(source.width, source.height);
  const auto scaled = [&](int side) {
    return std::clamp(static_cast<int>(std::lround(static_cast<double>(side) * size / longer)), 1,
                      size);
  };
  const int width = scaled(source.width);
  const int height = scaled(source.height);
  const FloatImage content = resize(source, width, height);
  FloatImage square(size, size, 0.0f);
  const int left = (size - width) / 2;
  const int top = (size - height) / 2;
  for (int y = 0; y < height; ++y) {
    std::copy_n(&content.pixels[static_cast<std::size_t>(y) * width], width,
                &square.pixels[static_cast<std::size_t>(top + y) * size + left]);
  }
  return square;
}

}  // namespace engine::data
