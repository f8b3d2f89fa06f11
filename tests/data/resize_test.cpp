// The area filter against hand-computed values, and the square fitting modes.
#include "data/resize.h"

#include <doctest/doctest.h>

#include <stdexcept>

namespace data = engine::data;

namespace {

data::FloatImage image_of(int width, int height, std::vector<float> values) {
  data::FloatImage image(width, height);
  image.pixels = std::move(values);
  return image;
}

}  // namespace

TEST_CASE("resize: halving averages 2 x 2 blocks exactly") {
  const data::FloatImage source = image_of(4, 4,
                                           {1, 3, 5, 7,   //
                                            5, 7, 9, 11,  //
                                            0, 0, 2, 2,   //
                                            4, 4, 6, 6});
  const data::FloatImage half = data::resize(source, 2, 2);
  CHECK(half.pixels == std::vector<float>{4, 8, 2, 4});
}

TEST_CASE("resize: a non-integer shrink weights partly covered pixels") {
  // 3 -> 2: the footprints are [0, 1.5] and [1.5, 3].
  const data::FloatImage source = image_of(3, 1, {3, 6, 9});
  const data::FloatImage result = data::resize(source, 2, 1);
  CHECK(result.pixels[0] == doctest::Approx((3 + 0.5 * 6) / 1.5));
  CHECK(result.pixels[1] == doctest::Approx((0.5 * 6 + 9) / 1.5));
}

TEST_CASE("resize: enlarging interpolates linearly with half-pixel centres, edges repeat") {
  const data::FloatImage source = image_of(2, 1, {0, 8});
  const data::FloatImage result = data::resize(source, 4, 1);
  CHECK(result.pixels == std::vector<float>{0, 2, 6, 8});
}

TEST_CASE("resize: the same size is an exact copy, a constant stays constant") {
  data::FloatImage source(7, 5);
  for (std::size_t i = 0; i < source.pixels.size(); ++i) source.pixels[i] = 0.01f * i;
  CHECK(data::resize(source, 7, 5).pixels == source.pixels);

  const data::FloatImage flat(37, 23, 0.625f);
  for (const auto& [width, height] : {std::pair{11, 17}, std::pair{64, 64}, std::pair{1, 1}}) {
    const data::FloatImage result = data::resize(flat, width, height);
    for (const float value : result.pixels) CHECK(value == doctest::Approx(0.625f).epsilon(1e-6));
  }
}

TEST_CASE("resize_to_square: padding keeps the aspect ratio and centres the content") {
  const data::FloatImage wide(8, 4, 1.0f);
  const data::FloatImage padded = data::resize_to_square(wide, 4, data::ResizeMode::Pad);
  CHECK(padded.width == 4);
  CHECK(padded.height == 4);
  for (int x = 0; x < 4; ++x) {
    CHECK(padded.at(x, 0) == 0.0f);
    CHECK(padded.at(x, 1) == doctest::Approx(1.0f));
    CHECK(padded.at(x, 2) == doctest::Approx(1.0f));
    CHECK(padded.at(x, 3) == 0.0f);
  }
  const data::FloatImage tall = image_of(1, 2, {0.2f, 0.6f});
  const data::FloatImage tall_padded = data::resize_to_square(tall, 4, data::ResizeMode::Pad);
  // Content 2 wide in columns 1 and 2, rows interpolating 0.2 -> 0.6.
  CHECK(tall_padded.at(0, 0) == 0.0f);
  CHECK(tall_padded.at(3, 3) == 0.0f);
  CHECK(tall_padded.at(1, 0) == doctest::Approx(0.2f));
  CHECK(tall_padded.at(2, 3) == doctest::Approx(0.6f));
  CHECK(tall_padded.at(1, 1) == doctest::Approx(0.3f));

  const data::FloatImage squashed = data::resize_to_square(wide, 4, data::ResizeMode::Squash);
  for (const float value : squashed.pixels) CHECK(value == doctest::Approx(1.0f));
}

TEST_CASE("resize: sizes must be positive") {
  CHECK_THROWS_AS(data::resize(data::FloatImage(2, 2), 0, 3), std::invalid_argument);
  CHECK_THROWS_AS(data::resize(data::FloatImage(), 3, 3), std::invalid_argument);
  CHECK_THROWS_AS(data::resize_to_square(data::FloatImage(2, 2), -1, data::ResizeMode::Pad),
                  std::invalid_argument);
}
