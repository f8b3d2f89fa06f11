// Per-sample augmentation and the final step from a cached gray image to the model's input.
//
// A sample's transform is drawn from the counter-based generator keyed by (seed, epoch, sample
// index) with one stream per transform (data/random_streams.h), so it does not depend on the
// thread that renders it, the batch it lands in or the order of the epoch.
//
// The geometric transforms are composed into one affine map and applied in a single bilinear
// resampling pass (one interpolation, not one per transform): the image is flipped horizontally,
// rotated counter-clockwise as displayed, scaled about its centre and shifted. Points that come
// from outside the source are black (0). Then the gray value v in [0, 1] becomes
//   v' = clamp(brightness * (contrast * (v - m) + m), 0, 1)
// with m the mean of the cached image (torchvision's ColorJitter uses the mean of the current
// image and clamps after each step; one clamp here keeps the step exact and cheap), and is
// written to three channels as (v' - mean[c]) / std[c], computed as v' * (1/std) - mean/std.
#pragma once

#include <array>
#include <cstdint>

namespace engine::data {

struct AugmentConfig {
  double rotation_degrees = 0;  // angle uniform in [-rotation_degrees, rotation_degrees]
  double flip_probability = 0;  // horizontal flip
  double brightness = 0;        // factor uniform in [1 - brightness, 1 + brightness]
  double contrast = 0;          // factor uniform in [1 - contrast, 1 + contrast]
  double scale = 0;             // zoom uniform in [1 - scale, 1 + scale]
  double translation = 0;       // shift per axis uniform in [-t, t] times the side

  // The seed study's three transforms (rotation, horizontal flip, brightness). The ranges are
  // the engine's choice, not taken from the study: rotation +-10 degrees, flip 0.5, brightness
  // +-0.2.
  static AugmentConfig seed_study();
  // seed_study() plus contrast +-0.2, scale +-0.1 and translation +-0.05.
  static AugmentConfig extended();
  void validate() const;  // throws std::invalid_argument naming the bad field
};

struct AugmentParameters {
  double angle_degrees = 0;
  bool flip = false;
  double brightness = 1;
  double contrast = 1;
  double scale = 1;
  double shift_x = 0;  // fractions of the output side; positive moves the content right/down
  double shift_y = 0;
};

AugmentParameters draw_augment(const AugmentConfig& config, std::uint64_t seed, std::uint64_t epoch,
                               std::uint64_t sample_index);

struct Normalization {
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};  // ImageNet, as torchvision's weights
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
  static Normalization imagenet() { return {}; }
  static Normalization identity() { return {{0, 0, 0}, {1, 1, 1}}; }
};

// A cached square gray image: side x side samples, 65535 is white.
struct CachedImageView {
  const std::uint16_t* pixels = nullptr;
  int side = 0;
  float mean = 0;  // mean gray value in [0, 1]
};

// Writes output_side x output_side x 3 floats (HWC) to `output`.
void render_sample(const CachedImageView& source, const AugmentParameters& parameters,
                   const Normalization& normalization, int output_side, float* output);

}  // namespace engine::data
