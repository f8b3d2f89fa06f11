// Drawing a synthetic phantom (see data/phantom.h): every pixel is mapped back to hand
// coordinates, the projected thickness of soft tissue, cortex and marrow along the beam is summed
// over the hand's shapes and turned into a gray value by Beer-Lambert attenuation; then detector
// blur, the lead marker and noise.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "data/phantom.h"
#include "data/phantom_anatomy.h"
#include "data/random_streams.h"

namespace engine::data {

namespace {

using streams::PhantomPurpose;

// Smooth value noise in [0, 1] with lattice spacing 1: random values at integer points, blended
// with smoothstep weights.
double value_noise(std::uint64_t seed, std::uint64_t index, PhantomPurpose purpose, double x,
                   double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto lattice = [&](double ix, double iy) {
    const auto column = static_cast<std::uint64_t>(static_cast<std::int64_t>(ix) + (1 << 20));
    const auto row = static_cast<std::uint64_t>(static_cast<std::int64_t>(iy) + (1 << 20));
    const random::Counter bits =
        random::draw(seed, streams::phantom_offset(index, purpose), (row << 21) | column);
    return static_cast<double>(random::unit_float(bits.words[0]));
  };
  const double tx = x - fx, ty = y - fy;
  const double sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty);
  const double top = lattice(fx, fy) * (1 - sx) + lattice(fx + 1, fy) * sx;
  const double bottom = lattice(fx, fy + 1) * (1 - sx) + lattice(fx + 1, fy + 1) * sx;
  return top * (1 - sy) + bottom * sy;
}

// The chord through a sphere of radius r at distance d from its centre line, and through the
// inner sphere of radius r * (1 - cortical): the projected thickness of cortex and of marrow.
struct Chords {
  double cortex = 0;
  double marrow = 0;
};

Chords tube_chords(double radius, double distance, double cortical_fraction) {
  if (distance >= radius) return {};
  const double outer = 2 * std::sqrt(radius * radius - distance * distance);
  const double inner_radius = radius * (1 - cortical_fraction);
  const double inner = distance < inner_radius
                           ? 2 * std::sqrt(inner_radius * inner_radius - distance * distance)
                           : 0;
  return {outer - inner, inner};
}

struct Axis {
  double t;         // position along a -> b, clamped to [0, 1]
  double distance;  // from the point to the axis point at t
};

// Cheap rejections before the exact distance: most shapes are far from most pixels.
bool far_from(const phantom::Tube& tube, double u, double v) {
  const double reach = tube.radius * 1.12;
  return u < std::min(tube.a.u, tube.b.u) - reach || u > std::max(tube.a.u, tube.b.u) + reach ||
         v < std::min(tube.a.v, tube.b.v) - reach || v > std::max(tube.a.v, tube.b.v) + reach;
}

bool far_from(const phantom::Blob& blob, double u, double v) {
  const double reach = std::max(blob.radius_u, blob.radius_v);
  return std::abs(u - blob.centre.u) > reach || std::abs(v - blob.centre.v) > reach;
}

Axis nearest_on_axis(const phantom::Tube& tube, double u, double v) {
  const double du = tube.b.u - tube.a.u, dv = tube.b.v - tube.a.v;
  const double length_squared = du * du + dv * dv;
  double t = length_squared > 0 ? ((u - tube.a.u) * du + (v - tube.a.v) * dv) / length_squared : 0;
  t = std::clamp(t, 0.0, 1.0);
  return {t, std::hypot(u - (tube.a.u + t * du), v - (tube.a.v + t * dv))};
}

// A tube's radius at t: narrower at the waist, 12 % wider than `radius` at the ends.
double tube_radius(const phantom::Tube& tube, double t) {
  if (!tube.swell) return tube.radius;
  const double from_middle = 2 * t - 1;
  return tube.radius * (0.88 + 0.24 * std::pow(from_middle, 4));
}

// Blob coordinates normalised so the ellipse is the unit circle; returns the squared radius.
double blob_radius_squared(const phantom::Blob& blob, double u, double v) {
  const double angle = blob.angle_degrees * std::numbers::pi / 180.0;
  const double du = u - blob.centre.u, dv = v - blob.centre.v;
  const double along_u = (du * std::cos(angle) + dv * std::sin(angle)) / blob.radius_u;
  const double along_v = (-du * std::sin(angle) + dv * std::cos(angle)) / blob.radius_v;
  return along_u * along_u + along_v * along_v;
}

// Attenuation coefficients per hand unit of thickness.
constexpr double soft_tissue_attenuation = 2.2;
constexpr double cortex_attenuation = 32.0;
constexpr double marrow_attenuation = 10.0;

double attenuation_at(const phantom::Hand& hand, const PhantomTraits& traits, std::uint64_t seed,
                      std::uint64_t index, double u, double v) {
  double tissue = 0;
  for (const phantom::Tube& tube : hand.tissue_tubes) {
    if (far_from(tube, u, v)) continue;
    const Axis axis = nearest_on_axis(tube, u, v);
    if (axis.distance < tube.radius) {
      tissue = std::max(tissue,
                        2 * std::sqrt(tube.radius * tube.radius - axis.distance * axis.distance));
    }
  }
  for (const phantom::Blob& blob : hand.tissue_blobs) {
    if (far_from(blob, u, v)) continue;
    const double q = blob_radius_squared(blob, u, v);
    if (q >= 1) continue;
    const double depth = blob.depth > 0 ? blob.depth : std::sqrt(blob.radius_u * blob.radius_v);
    tissue = std::max(tissue, 2 * depth * std::sqrt(1 - q));
  }
  double cortex = 0, marrow = 0;
  for (const phantom::Tube& tube : hand.bone_tubes) {
    if (far_from(tube, u, v)) continue;
    const Axis axis = nearest_on_axis(tube, u, v);
    const Chords chords =
        tube_chords(tube_radius(tube, axis.t), axis.distance, traits.cortical_fraction);
    cortex += chords.cortex;
    marrow += chords.marrow;
  }
  for (const phantom::Blob& blob : hand.bone_blobs) {
    if (far_from(blob, u, v)) continue;
    const double q = blob_radius_squared(blob, u, v);
    if (q >= 1) continue;
    const double depth = blob.depth > 0 ? blob.depth : std::sqrt(blob.radius_u * blob.radius_v);
    const Chords chords = tube_chords(depth, depth * std::sqrt(q), traits.cortical_fraction);
    cortex += chords.cortex;
    marrow += chords.marrow;
  }
  double texture = 1;
  if (marrow > 0) {  // trabecular texture at two scales, mean 1
    const double coarse =
        value_noise(seed, index, PhantomPurpose::CoarseTexture, u / 0.012, v / 0.012);
    const double fine = value_noise(seed, index, PhantomPurpose::FineTexture, u / 0.005, v / 0.005);
    texture = 0.6 + 0.8 * (0.6 * coarse + 0.4 * fine);
  }
  return soft_tissue_attenuation * tissue + cortex_attenuation * cortex +
         marrow_attenuation * marrow * texture;
}

// [1 2 1] / 4 in both directions: the detector's unsharpness, which also softens every edge.
FloatImage blur(const FloatImage& image) {
  FloatImage horizontal(image.width, image.height), result(image.width, image.height);
  const auto clamped = [](int value, int size) { return std::clamp(value, 0, size - 1); };
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      horizontal.at(x, y) = 0.25f * image.at(clamped(x - 1, image.width), y) +
                            0.5f * image.at(x, y) +
                            0.25f * image.at(clamped(x + 1, image.width), y);
    }
  }
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      result.at(x, y) = 0.25f * horizontal.at(x, clamped(y - 1, image.height)) +
                        0.5f * horizontal.at(x, y) +
                        0.25f * horizontal.at(x, clamped(y + 1, image.height));
    }
  }
  return result;
}

// How much of pixel (x, y) the rectangle [left, right) x [top, bottom) covers.
double coverage(int x, int y, double left, double top, double right, double bottom) {
  const double across =
      std::clamp(std::min<double>(x + 1, right) - std::max<double>(x, left), 0.0, 1.0);
  const double down =
      std::clamp(std::min<double>(y + 1, bottom) - std::max<double>(y, top), 0.0, 1.0);
  return across * down;
}

}  // namespace

FloatImage render_phantom(const PhantomTraits& traits, std::uint64_t seed, std::uint64_t index,
                          int size) {
  if (size < 32 || size > 4096) {
    throw std::invalid_argument("render_phantom: size " + std::to_string(size) +
                                " must be in [32, 4096]");
  }
  const phantom::Hand hand = phantom::build_hand(traits);
  // The hand point (0, 0.5), near the middle metacarpal's head, lands at the image centre plus
  // the shift; a hand of mean size and magnification spans 0.65 of the side from wrist to
  // fingertip, and the largest one drawn (3.5 standard deviations) still fits.
  const double pixels_per_unit = size * 0.65 * traits.hand_size * traits.magnification;
  const double centre_x = size * (0.5 + traits.shift_x);
  const double centre_y = size * (0.5 + traits.shift_y);
  const double angle = traits.rotation_degrees * std::numbers::pi / 180.0;
  const double cosine = std::cos(angle), sine = std::sin(angle);

  FloatImage intensity(size, size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      // Undo the counter-clockwise turn on the y-down grid, then the scale.
      const double dx = x + 0.5 - centre_x, dy = y + 0.5 - centre_y;
      const double u = (dx * cosine - dy * sine) / pixels_per_unit;
      const double v = 0.5 - (dx * sine + dy * cosine) / pixels_per_unit;
      const double attenuation = attenuation_at(hand, traits, seed, index, u, v);
      intensity.at(x, y) = static_cast<float>(1 - std::exp(-attenuation));
    }
  }
  FloatImage image = blur(intensity);

  // The lead "L" marker lies on the detector, so it is placed in image coordinates.
  const double left = traits.marker_x * size, top = traits.marker_y * size;
  const double stroke = 0.018 * size, height = 0.075 * size, foot = 0.048 * size;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const double marker = std::min(
          1.0, coverage(x, y, left, top, left + stroke, top + height) +
                   coverage(x, y, left + stroke, top + height - stroke, left + foot, top + height));
      const double tissue_and_bone = traits.background + traits.exposure * image.at(x, y);
      const double value = tissue_and_bone * (1 - marker) + 0.97 * marker;
      const random::Counter bits =
          random::draw(seed, streams::phantom_offset(index, PhantomPurpose::PixelNoise),
                       static_cast<std::uint64_t>(y) * size + x);
      const double u1 = 1.0 - random::unit_double(bits.words[0], bits.words[1]);
      const double u2 = random::unit_double(bits.words[2], bits.words[3]);
      const double noise = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
      image.at(x, y) = static_cast<float>(std::clamp(value + traits.noise * noise, 0.0, 1.0));
    }
  }
  return image;
}

}  // namespace engine::data
