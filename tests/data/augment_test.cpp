// Augmentation: golden geometry (identity, flip, quarter turns, shift), the intensity transform,
// normalisation, and the random draws.
#include "data/augment.h"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace data = engine::data;

namespace {

// A side x side cached image whose samples all differ.
struct Source {
  int side;
  std::vector<std::uint16_t> pixels;
  explicit Source(int side_) : side(side_), pixels(static_cast<std::size_t>(side_) * side_) {
    for (std::size_t i = 0; i < pixels.size(); ++i) {
      pixels[i] = static_cast<std::uint16_t>(1000 + 997 * i % 60000);
    }
  }
  data::CachedImageView view(float mean = 0.5f) const { return {pixels.data(), side, mean}; }
  float unit(int x, int y) const {
    return static_cast<float>(pixels[static_cast<std::size_t>(y) * side + x]) * (1.0f / 65535.0f);
  }
};

// Renders with identity normalisation and returns channel 0 (all three are equal).
std::vector<float> render(const Source& source, const data::AugmentParameters& parameters,
                          int output_side = 0, float mean = 0.5f) {
  const int side = output_side > 0 ? output_side : source.side;
  std::vector<float> output(static_cast<std::size_t>(side) * side * 3);
  data::render_sample(source.view(mean), parameters, data::Normalization::identity(), side,
                      output.data());
  std::vector<float> gray;
  for (std::size_t i = 0; i < output.size(); i += 3) {
    REQUIRE(output[i] == output[i + 1]);
    REQUIRE(output[i] == output[i + 2]);
    gray.push_back(output[i]);
  }
  return gray;
}

}  // namespace

TEST_CASE("render: no augmentation copies the cached image exactly") {
  const Source source(9);
  const std::vector<float> out = render(source, data::AugmentParameters{});
  for (int y = 0; y < 9; ++y) {
    for (int x = 0; x < 9; ++x)
      CHECK(out[static_cast<std::size_t>(y * 9 + x)] == source.unit(x, y));
  }
}

TEST_CASE("render: a horizontal flip mirrors columns exactly") {
  const Source source(8);
  data::AugmentParameters flip;
  flip.flip = true;
  const std::vector<float> out = render(source, flip);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x)
      CHECK(out[static_cast<std::size_t>(y * 8 + x)] == source.unit(7 - x, y));
  }
}

TEST_CASE("render: rotations by 90 and 180 degrees move pixels where they should") {
  const Source source(8);
  data::AugmentParameters quarter;
  quarter.angle_degrees =
      90;  // counter-clockwise as displayed: the top row becomes the left column
  const std::vector<float> turned = render(source, quarter);
  data::AugmentParameters half;
  half.angle_degrees = 180;
  const std::vector<float> upside_down = render(source, half);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      const std::size_t at = static_cast<std::size_t>(y * 8 + x);
      CHECK(turned[at] == doctest::Approx(source.unit(7 - y, x)).epsilon(1e-5));
      CHECK(upside_down[at] == doctest::Approx(source.unit(7 - x, 7 - y)).epsilon(1e-5));
    }
  }
}

TEST_CASE("render: a rotation by 45 degrees interpolates bilinearly") {
  // On a 2 x 2 image the output pixel (0, 0) is (-0.5, -0.5) from the image centre. Turning it
  // back (clockwise) by 45 degrees puts it straight above the centre at distance 0.707: source
  // pixel coordinates (0.5, 0.5 - 0.707). Vertically that is 20.7 % of the way from row 0 up
  // to the black fill above the image; horizontally halfway between the two pixels of row 0.
  Source source(2);
  source.pixels = {0, 65535, 65535, 0};
  data::AugmentParameters turn;
  turn.angle_degrees = 45;
  const std::vector<float> out = render(source, turn);
  const double above = std::sqrt(0.5) - 0.5;
  const double row0 = 0.5 * 0.0 + 0.5 * 1.0;
  CHECK(out[0] == doctest::Approx((1 - above) * row0).epsilon(1e-5));
}

TEST_CASE("render: a shift moves the content by whole pixels and fills with black") {
  const Source source(8);
  data::AugmentParameters shift;
  shift.shift_x = 0.25;  // 2 pixels right
  const std::vector<float> out = render(source, shift);
  for (int y = 0; y < 8; ++y) {
    CHECK(out[static_cast<std::size_t>(y * 8)] == 0.0f);
    CHECK(out[static_cast<std::size_t>(y * 8 + 1)] == 0.0f);
    for (int x = 2; x < 8; ++x)
      CHECK(out[static_cast<std::size_t>(y * 8 + x)] == source.unit(x - 2, y));
  }
}

TEST_CASE("render: scaling by 2 about the centre doubles distances") {
  Source source(4);
  data::AugmentParameters zoom;
  zoom.scale = 2;
  const std::vector<float> out = render(source, zoom);
  // Output pixel (1, 1) is 1 pixel from the centre diagonally: source point (1.25, 1.25).
  const double expected = 0.5625 * source.unit(1, 1) + 0.1875 * source.unit(2, 1) +
                          0.1875 * source.unit(1, 2) + 0.0625 * source.unit(2, 2);
  CHECK(out[5] == doctest::Approx(expected).epsilon(1e-5));
}

TEST_CASE("render: brightness, contrast and clamping") {
  Source source(1);
  source.pixels = {26214};  // 0.4
  data::AugmentParameters brighter;
  brighter.brightness = 1.5;
  CHECK(render(source, brighter)[0] == doctest::Approx(0.6).epsilon(1e-4));
  data::AugmentParameters flatter;
  flatter.contrast = 0.5;  // halfway to the mean 0.2
  CHECK(render(source, flatter, 0, 0.2f)[0] == doctest::Approx(0.3).epsilon(1e-4));
  data::AugmentParameters saturated;
  saturated.brightness = 3;
  CHECK(render(source, saturated)[0] == 1.0f);
}

TEST_CASE("render: ImageNet normalisation per channel") {
  Source source(1);
  source.pixels = {32768};
  std::vector<float> out(3);
  data::render_sample(source.view(), data::AugmentParameters{}, data::Normalization::imagenet(), 1,
                      out.data());
  const float value = 32768.0f / 65535.0f;
  CHECK(out[0] == doctest::Approx((value - 0.485) / 0.229).epsilon(1e-6));
  CHECK(out[1] == doctest::Approx((value - 0.456) / 0.224).epsilon(1e-6));
  CHECK(out[2] == doctest::Approx((value - 0.406) / 0.225).epsilon(1e-6));
}

TEST_CASE("draw_augment: a pure function of (seed, epoch, sample), within the ranges") {
  const data::AugmentConfig config = data::AugmentConfig::extended();
  const data::AugmentParameters first = data::draw_augment(config, 42, 3, 17);
  const data::AugmentParameters again = data::draw_augment(config, 42, 3, 17);
  CHECK(first.angle_degrees == again.angle_degrees);
  CHECK(first.flip == again.flip);
  CHECK(first.brightness == again.brightness);
  CHECK(first.shift_y == again.shift_y);
  CHECK(data::draw_augment(config, 42, 4, 17).angle_degrees != first.angle_degrees);
  CHECK(data::draw_augment(config, 42, 3, 18).angle_degrees != first.angle_degrees);
  CHECK(data::draw_augment(config, 43, 3, 17).angle_degrees != first.angle_degrees);

  int flips = 0;
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) {
    const data::AugmentParameters p =
        data::draw_augment(config, 7, 0, static_cast<std::uint64_t>(i));
    CHECK(std::abs(p.angle_degrees) <= 10);
    CHECK(std::abs(p.brightness - 1) <= 0.2);
    CHECK(std::abs(p.contrast - 1) <= 0.2);
    CHECK(std::abs(p.scale - 1) <= 0.1);
    CHECK(std::abs(p.shift_x) <= 0.05);
    CHECK(std::abs(p.shift_y) <= 0.05);
    flips += p.flip ? 1 : 0;
  }
  CHECK(std::abs(flips / double(draws) - 0.5) < 0.02);  // about 7 standard deviations

  const data::AugmentParameters none = data::draw_augment(data::AugmentConfig{}, 7, 0, 1);
  CHECK(none.angle_degrees == 0);
  CHECK_FALSE(none.flip);
  CHECK(none.brightness == 1);
  CHECK(none.scale == 1);
  CHECK(none.shift_x == 0);
}

TEST_CASE("AugmentConfig::validate rejects out-of-range settings") {
  data::AugmentConfig config;
  config.flip_probability = 1.5;
  CHECK_THROWS_WITH_AS(config.validate(),
                       "AugmentConfig.flip_probability = 1.500000: must be in [0, 1]",
                       std::invalid_argument);
  config = data::AugmentConfig{};
  config.scale = 1.0;
  CHECK_THROWS_AS(config.validate(), std::invalid_argument);
  CHECK_NOTHROW(data::AugmentConfig::extended().validate());
}
