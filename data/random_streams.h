// The Philox streams the data pipeline draws from, in one place so an auditor can see that no
// two uses share random numbers. A draw is philox(seed, offset, index) (util/philox.h) with
//   offset = data_domain | epoch << 8 | purpose
// and index the sample's position in the dataset (or the step of a shuffle). The domain tag in
// the top 16 bits keeps these offsets apart from the small stream numbers used for weight
// initialisation with the same seed; epochs below 2^40 fit between it and the purpose byte.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "util/philox.h"

namespace engine::data::streams {

inline constexpr std::uint64_t data_domain = std::uint64_t{0xDA7A} << 48;

enum class Purpose : std::uint8_t {
  Shuffle = 1,
  Rotation = 2,
  Flip = 3,
  Brightness = 4,
  Contrast = 5,
  Scale = 6,
  Translation = 7,
  Split = 16,
  Folds = 17,
};

constexpr std::uint64_t offset(std::uint64_t epoch, Purpose purpose) {
  return data_domain | (epoch << 8) | static_cast<std::uint64_t>(purpose);
}

// Synthetic phantoms draw from a domain of their own: offset = phantom_domain | index << 8 |
// purpose, with the phantom's index in place of the epoch.
inline constexpr std::uint64_t phantom_domain = std::uint64_t{0xFA47} << 48;

enum class PhantomPurpose : std::uint8_t {
  HandSize = 1,
  BoneWidth = 2,
  DigitRatio = 3,
  Magnification = 4,
  CorticalFraction = 5,
  SoftTissue = 6,
  Rotation = 7,
  Shift = 8,
  FingerSpread = 9,
  Exposure = 10,
  NoiseLevel = 11,
  Marker = 12,
  CoarseTexture = 13,
  FineTexture = 14,
  PixelNoise = 15,
};

constexpr std::uint64_t phantom_offset(std::uint64_t index, PhantomPurpose purpose) {
  return phantom_domain | (index << 8) | static_cast<std::uint64_t>(purpose);
}

// An integer uniform in [0, bound) from 64 random bits by multiply-and-shift (Lemire, 2019). The
// bias is below bound / 2^64, far below anything a dataset-sized bound could show.
inline std::uint64_t uniform_below(std::uint64_t seed, std::uint64_t stream, std::uint64_t index,
                                   std::uint64_t bound) {
  const random::Counter bits = random::draw(seed, stream, index);
  const std::uint64_t word =
      (static_cast<std::uint64_t>(bits.words[0]) << 32) | static_cast<std::uint64_t>(bits.words[1]);
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(word) * bound) >> 64);
}

// Fisher-Yates from the last position down; step i draws its swap partner with index i.
template <typename Item>
void shuffle(std::vector<Item>& items, std::uint64_t seed, std::uint64_t stream) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t partner = static_cast<std::size_t>(uniform_below(seed, stream, i - 1, i));
    std::swap(items[i - 1], items[partner]);
  }
}

}  // namespace engine::data::streams
