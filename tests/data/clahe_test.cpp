// CLAHE against hand-computed mappings (one tile, two bins), and its tile blending.
#include "data/clahe.h"

#include <doctest/doctest.h>

#include <stdexcept>

namespace data = engine::data;

namespace {

data::FloatImage two_by_two(float a, float b, float c, float d) {
  data::FloatImage image(2, 2);
  image.pixels = {a, b, c, d};
  return image;
}

}  // namespace

TEST_CASE("clahe: one tile without clipping is histogram equalisation, linear inside bins") {
  // Bins [0, 0.5) and [0.5, 1] hold 3 and 1 pixels. A value at fraction f of bin b maps to
  // (pixels below bin b + f * pixels in bin b) / 4.
  const data::FloatImage result =
      data::clahe(two_by_two(0.1f, 0.2f, 0.3f, 0.9f), data::ClaheConfig{1, 0.0, 2});
  CHECK(result.pixels[0] == doctest::Approx(0.15));  // 0.2 * 3 / 4
  CHECK(result.pixels[1] == doctest::Approx(0.30));  // 0.4 * 3 / 4
  CHECK(result.pixels[2] == doctest::Approx(0.45));  // 0.6 * 3 / 4
  CHECK(result.pixels[3] == doctest::Approx(0.95));  // (3 + 0.8 * 1) / 4
}

TEST_CASE("clahe: clipping caps a bin and spreads the excess over all bins") {
  // Limit = 1.0 * 4 pixels / 2 bins = 2. Histogram [3, 1] -> [2, 1] + 1 excess / 2 -> [2.5, 1.5].
  const data::FloatImage result =
      data::clahe(two_by_two(0.1f, 0.2f, 0.3f, 0.9f), data::ClaheConfig{1, 1.0, 2});
  CHECK(result.pixels[0] == doctest::Approx(0.125));  // 0.2 * 2.5 / 4
  CHECK(result.pixels[1] == doctest::Approx(0.25));
  CHECK(result.pixels[2] == doctest::Approx(0.375));
  CHECK(result.pixels[3] == doctest::Approx(0.925));  // (2.5 + 0.8 * 1.5) / 4
}

TEST_CASE("clahe: corners use their own tile, the middle blends, order is kept in a tile") {
  // 8 x 8 with 2 x 2 tiles: the left half dark, the right half bright.
  data::FloatImage image(8, 8);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x)
      image.at(x, y) = (x < 4 ? 0.1f : 0.6f) + 0.01f * static_cast<float>(x + y);
  }
  const data::ClaheConfig config{2, 0.0, 256};
  const data::FloatImage result = data::clahe(image, config);
  // The pixel (0, 0) lies nearer the border than tile (0, 0)'s centre (2, 2), so only that
  // tile's mapping applies: equalisation of the top-left 4 x 4 block alone.
  data::FloatImage block(4, 4);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) block.at(x, y) = image.at(x, y);
  }
  const data::FloatImage block_result = data::clahe(block, data::ClaheConfig{1, 0.0, 256});
  CHECK(result.at(0, 0) == doctest::Approx(block_result.at(0, 0)).epsilon(1e-6));
  CHECK(result.at(1, 1) == doctest::Approx(block_result.at(1, 1)).epsilon(1e-6));
  for (const float value : result.pixels) {
    CHECK(value >= 0.0f);
    CHECK(value <= 1.0f);
  }
  // Within the top-left tile's exclusive region, brighter input stays brighter.
  CHECK(result.at(0, 0) < result.at(1, 0));
  CHECK(result.at(1, 0) < result.at(1, 1));
}

TEST_CASE("clahe: a constant image stays constant and the configuration is checked") {
  const data::FloatImage flat(16, 16, 0.4f);
  const data::FloatImage result = data::clahe(flat);
  for (const float value : result.pixels) CHECK(value == doctest::Approx(result.pixels[0]));
  CHECK_THROWS_AS(data::clahe(flat, data::ClaheConfig{0, 2.0, 256}), std::invalid_argument);
  CHECK_THROWS_AS(data::clahe(flat, data::ClaheConfig{8, 2.0, 1}), std::invalid_argument);
  CHECK_THROWS_AS(data::clahe(data::FloatImage(), data::ClaheConfig{}), std::invalid_argument);
}
