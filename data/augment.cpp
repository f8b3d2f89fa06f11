#include "data/augment.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "data/random_streams.h"
#include "util/philox.h"

namespace engine::data {

namespace {

double unit_draw(std::uint64_t seed, std::uint64_t epoch, streams::Purpose purpose,
                 std::uint64_t sample_index, int pair = 0) {
  const random::Counter bits = random::draw(seed, streams::offset(epoch, purpose), sample_index);
  return pair == 0 ? random::unit_double(bits.words[0], bits.words[1])
                   : random::unit_double(bits.words[2], bits.words[3]);
}

double symmetric(double half_range, double unit) { return half_range * (2.0 * unit - 1.0); }

void require(bool condition, const char* field, double value, const char* rule) {
  if (!condition) {
    throw std::invalid_argument(std::string("AugmentConfig.") + field + " = " +
                                std::to_string(value) + ": " + rule);
  }
}

// The map from an output pixel (x, y) to source pixel coordinates:
//   source_x = xx * x + xy * y + x0,  source_y = yx * x + yy * y + y0.
struct Affine {
  float xx, xy, x0, yx, yy, y0;
};

Affine inverse_map(const AugmentParameters& p, int source_side, int output_side) {
  const double angle = p.angle_degrees * std::numbers::pi / 180.0;
  const double ratio = static_cast<double>(source_side) / output_side / p.scale;
  const double flip = p.flip ? -1.0 : 1.0;
  // Undo in reverse order: shift, scale, rotation (the inverse of a counter-clockwise turn on a
  // y-down grid), flip.
  const double xx = flip * ratio * std::cos(angle);
  const double xy = -flip * ratio * std::sin(angle);
  const double yx = ratio * std::sin(angle);
  const double yy = ratio * std::cos(angle);
  const double centre_x = output_side / 2.0 + p.shift_x * output_side;
  const double centre_y = output_side / 2.0 + p.shift_y * output_side;
  const double source_centre = source_side / 2.0 - 0.5;  // pixel indices, not pixel edges
  return Affine{static_cast<float>(xx),
                static_cast<float>(xy),
                static_cast<float>(xx * (0.5 - centre_x) + xy * (0.5 - centre_y) + source_centre),
                static_cast<float>(yx),
                static_cast<float>(yy),
                static_cast<float>(yx * (0.5 - centre_x) + yy * (0.5 - centre_y) + source_centre)};
}

int floor_to_int(float value) {
  const int truncated = static_cast<int>(value);
  return (value < static_cast<float>(truncated)) ? truncated - 1 : truncated;
}

// Bilinear interpolation with black outside the image, in units of the stored samples.
float sample_bilinear(const std::uint16_t* pixels, int side, float x, float y) {
  const int left = floor_to_int(x);
  const int top = floor_to_int(y);
  const float fx = x - static_cast<float>(left);
  const float fy = y - static_cast<float>(top);
  if (left >= 0 && top >= 0 && left + 1 < side && top + 1 < side) {
    const std::uint16_t* row = pixels + static_cast<std::size_t>(top) * side + left;
    const float upper = (1 - fx) * static_cast<float>(row[0]) + fx * static_cast<float>(row[1]);
    const float lower =
        (1 - fx) * static_cast<float>(row[side]) + fx * static_cast<float>(row[side + 1]);
    return (1 - fy) * upper + fy * lower;
  }
  const auto at = [&](int column, int row) -> float {
    if (column < 0 || row < 0 || column >= side || row >= side) return 0.0f;
    return static_cast<float>(pixels[static_cast<std::size_t>(row) * side + column]);
  };
  const float upper = (1 - fx) * at(left, top) + fx * at(left + 1, top);
  const float lower = (1 - fx) * at(left, top + 1) + fx * at(left + 1, top + 1);
  return (1 - fy) * upper + fy * lower;
}

}  // namespace

AugmentConfig AugmentConfig::seed_study() {
  AugmentConfig config;
  config.rotation_degrees = 10;
  config.flip_probability = 0.5;
  config.brightness = 0.2;
  return config;
}

AugmentConfig AugmentConfig::extended() {
  AugmentConfig config = seed_study();
  config.contrast = 0.2;
  config.scale = 0.1;
  config.translation = 0.05;
  return config;
}

void AugmentConfig::validate() const {
  require(rotation_degrees >= 0 && rotation_degrees <= 180, "rotation_degrees", rotation_degrees,
          "must be in [0, 180]");
  require(flip_probability >= 0 && flip_probability <= 1, "flip_probability", flip_probability,
          "must be in [0, 1]");
  require(brightness >= 0 && brightness < 1, "brightness", brightness, "must be in [0, 1)");
  require(contrast >= 0 && contrast < 1, "contrast", contrast, "must be in [0, 1)");
  require(scale >= 0 && scale < 1, "scale", scale, "must be in [0, 1)");
  require(translation >= 0 && translation <= 0.5, "translation", translation,
          "must be in [0, 0.5]");
}

AugmentParameters draw_augment(const AugmentConfig& config, std::uint64_t seed, std::uint64_t epoch,
                               std::uint64_t sample_index) {
  using streams::Purpose;
  const auto draw = [&](Purpose purpose, int pair = 0) {
    return unit_draw(seed, epoch, purpose, sample_index, pair);
  };
  AugmentParameters p;
  p.angle_degrees = symmetric(config.rotation_degrees, draw(Purpose::Rotation));
  p.flip = draw(Purpose::Flip) < config.flip_probability;
  p.brightness = 1.0 + symmetric(config.brightness, draw(Purpose::Brightness));
  p.contrast = 1.0 + symmetric(config.contrast, draw(Purpose::Contrast));
  p.scale = 1.0 + symmetric(config.scale, draw(Purpose::Scale));
  p.shift_x = symmetric(config.translation, draw(Purpose::Translation, 0));
  p.shift_y = symmetric(config.translation, draw(Purpose::Translation, 1));
  return p;
}

void render_sample(const CachedImageView& source, const AugmentParameters& parameters,
                   const Normalization& normalization, int output_side, float* output) {
  if (source.pixels == nullptr || source.side <= 0 || output_side <= 0) {
    throw std::invalid_argument("render_sample: empty source or output size");
  }
  const Affine map = inverse_map(parameters, source.side, output_side);
  // v' = gain * v + bias folds brightness, contrast and the 1/65535 of the stored samples.
  const float contrast = static_cast<float>(parameters.contrast);
  const float brightness = static_cast<float>(parameters.brightness);
  const float gain = brightness * contrast * (1.0f / 65535.0f);
  const float bias = brightness * (1.0f - contrast) * source.mean;
  std::array<float, 3> inverse_std, shifted_mean;
  for (int c = 0; c < 3; ++c) {
    inverse_std[c] = 1.0f / normalization.std[c];
    shifted_mean[c] = normalization.mean[c] * inverse_std[c];
  }
  for (int y = 0; y < output_side; ++y) {
    const float row_x = map.xy * static_cast<float>(y) + map.x0;
    const float row_y = map.yy * static_cast<float>(y) + map.y0;
    float* out = output + static_cast<std::size_t>(y) * output_side * 3;
    for (int x = 0; x < output_side; ++x) {
      const float source_x = map.xx * static_cast<float>(x) + row_x;
      const float source_y = map.yx * static_cast<float>(x) + row_y;
      const float stored = sample_bilinear(source.pixels, source.side, source_x, source_y);
      const float value = std::clamp(gain * stored + bias, 0.0f, 1.0f);
      out[0] = value * inverse_std[0] - shifted_mean[0];
      out[1] = value * inverse_std[1] - shifted_mean[1];
      out[2] = value * inverse_std[2] - shifted_mean[2];
      out += 3;
    }
  }
}

}  // namespace engine::data
