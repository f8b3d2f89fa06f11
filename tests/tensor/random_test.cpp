// The counter-based generator against the published Philox4x32-10 known answers, and the random
// tensors built on it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "kernels/random_tensors.h"
#include "tests/harness/compare.h"
#include "util/philox.h"

namespace engine {

TEST_CASE("Philox4x32-10 reproduces the Random123 known-answer vectors") {
  // kat_vectors from Random123 (Salmon et al. 2011): philox4x32 with 10 rounds.
  const random::Counter zero = random::philox4x32(random::Counter{{0, 0, 0, 0}}, 0);
  CHECK(zero.words[0] == 0x6627e8d5u);
  CHECK(zero.words[1] == 0xe169c58du);
  CHECK(zero.words[2] == 0xbc57ac4cu);
  CHECK(zero.words[3] == 0x9b00dbd8u);

  const random::Counter ones = random::philox4x32(
      random::Counter{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, ~std::uint64_t{0});
  CHECK(ones.words[0] == 0x408f276du);
  CHECK(ones.words[1] == 0x41c83b0eu);
  CHECK(ones.words[2] == 0xa20bc7c6u);
  CHECK(ones.words[3] == 0x6d5451fdu);

  const random::Counter pi =
      random::philox4x32(random::Counter{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
                         (std::uint64_t{0x299f31d0u} << 32) | 0xa4093822u);
  CHECK(pi.words[0] == 0xd16cfe09u);
  CHECK(pi.words[1] == 0x94fdccebu);
  CHECK(pi.words[2] == 0x5001e420u);
  CHECK(pi.words[3] == 0x24126ea1u);
}

TEST_CASE("uniform floats cover [0, 1) exactly on a 2^-24 grid") {
  CHECK(random::unit_float(0) == 0.0f);
  CHECK(random::unit_float(0xffffffffu) == 1.0f - 1.0f / 16777216.0f);
  CHECK(random::unit_double(0xffffffffu, 0xffffffffu) < 1.0);
}

TEST_CASE("random tensors are pure functions of (seed, stream, index)") {
  const Tensor a = random_uniform({1000}, -1.0, 1.0, 7, 3);
  CHECK(testing::bitwise_equal(a, random_uniform({1000}, -1.0, 1.0, 7, 3)));
  CHECK_FALSE(testing::bitwise_equal(a, random_uniform({1000}, -1.0, 1.0, 7, 4)));
  CHECK_FALSE(testing::bitwise_equal(a, random_uniform({1000}, -1.0, 1.0, 8, 3)));
  // A longer tensor starts with the same values: element i does not depend on the size.
  const auto longer = random_uniform({2000}, -1.0, 1.0, 7, 3).to_vector<float>();
  CHECK(std::equal(longer.begin(), longer.begin() + 1000, a.to_vector<float>().begin()));
}

TEST_CASE("sample moments of the distributions") {
  // 200,000 draws: the standard error of a mean with sd 1 is 0.0022, so 0.01 is over 4 errors.
  constexpr std::int64_t count = 200000;
  const auto moments = [](const std::vector<double>& values) {
    double sum = 0, square = 0;
    for (double v : values) sum += v, square += v * v;
    const double mean = sum / values.size();
    return std::pair{mean, std::sqrt(square / values.size() - mean * mean)};
  };
  const auto [normal_mean, normal_sd] =
      moments(random_normal({count}, 0.0, 1.0, 11, 0, DType::Float64).to_vector<double>());
  CHECK(std::abs(normal_mean) < 0.01);
  CHECK(std::abs(normal_sd - 1.0) < 0.01);

  const auto uniform = random_uniform({count}, 2.0, 4.0, 12, 0, DType::Float64).to_vector<double>();
  const auto [uniform_mean, uniform_sd] = moments(uniform);
  CHECK(std::abs(uniform_mean - 3.0) < 0.01);
  CHECK(std::abs(uniform_sd - 2.0 / std::sqrt(12.0)) < 0.01);
  CHECK(std::all_of(uniform.begin(), uniform.end(), [](double v) { return v >= 2.0 && v < 4.0; }));

  // Truncated at +-1 sd: every value inside, sd of the truncated normal is 0.5379.
  const auto truncated =
      random_truncated_normal({count}, 0.0, 1.0, -1.0, 1.0, 13, 0, DType::Float64)
          .to_vector<double>();
  CHECK(std::all_of(truncated.begin(), truncated.end(),
                    [](double v) { return v >= -1.0 && v <= 1.0; }));
  CHECK(std::abs(moments(truncated).second - 0.5379) < 0.01);
  CHECK_THROWS(random_truncated_normal({4}, 0.0, 1.0, 10.0, 11.0, 1, 0));
}

}  // namespace engine
