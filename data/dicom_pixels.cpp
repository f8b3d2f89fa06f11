#include "data/dicom_pixels.h"

#include <algorithm>
#include <cmath>

#include "data/error.h"

namespace engine::data::dicom {

namespace {

std::uint32_t read_word(std::span<const std::uint8_t> words, std::size_t index, int bytes,
                        WordOrder order) {
  if (bytes == 1) return words[order == WordOrder::BigWordsOfBytes ? index ^ 1 : index];
  const std::uint8_t* b = &words[2 * index];
  return order == WordOrder::Little ? (std::uint32_t{b[1]} << 8) | b[0]
                                    : (std::uint32_t{b[0]} << 8) | b[1];
}

// y in [0, top] from the modality value x by a window (PS3.3 C.11.2.1.2 and C.11.2.1.3.2).
double windowed(double x, const Window& window, double top) {
  const double c = window.center, w = window.width;
  if (window.function == "SIGMOID") return top / (1.0 + std::exp(-4.0 * (x - c) / w));
  if (window.function == "LINEAR_EXACT") {
    if (x <= c - w / 2) return 0;
    if (x > c + w / 2) return top;
    return ((x - c) / w + 0.5) * top;
  }
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return top;
  return ((x - (c - 0.5)) / (w - 1) + 0.5) * top;
}

}  // namespace

std::vector<std::int32_t> stored_values(std::span<const std::uint8_t> words,
                                        const PixelLayout& layout, WordOrder order,
                                        WordSource origin, const std::string& source) {
  const std::size_t count = static_cast<std::size_t>(layout.rows) * layout.columns;
  const int bytes = layout.bits_allocated / 8;
  const int shift = layout.high_bit + 1 - layout.bits_stored;
  const std::uint32_t mask = (1u << layout.bits_stored) - 1;
  const std::uint32_t sign = 1u << (layout.bits_stored - 1);
  const std::uint32_t word_mask = (1u << layout.bits_allocated) - 1;
  const std::int32_t lowest = layout.is_signed ? -static_cast<std::int32_t>(sign) : 0;
  const std::int32_t highest =
      layout.is_signed ? static_cast<std::int32_t>(sign) - 1 : static_cast<std::int32_t>(mask);
  std::vector<std::int32_t> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t word = read_word(words, i, bytes, order);
    if (origin == WordSource::Lossy) {
      // The decoder's sample, signed over the whole word when the samples are signed.
      const std::int32_t sample =
          layout.is_signed && (word & (1u << (layout.bits_allocated - 1)))
              ? static_cast<std::int32_t>(word) - static_cast<std::int32_t>(word_mask) - 1
              : static_cast<std::int32_t>(word);
      values[i] = std::clamp(sample, lowest, highest);
      continue;
    }
    const std::uint32_t stored = (word >> shift) & mask;
    std::int32_t value = static_cast<std::int32_t>(stored);
    if (layout.is_signed && (stored & sign)) value -= static_cast<std::int32_t>(mask) + 1;
    if (origin == WordSource::Lossless && word != stored &&
        word != (static_cast<std::uint32_t>(value) & word_mask)) {
      throw DataError(source + ": DICOM decoded sample " + std::to_string(word) + " at pixel (" +
                      std::to_string(i % layout.columns) + ", " +
                      std::to_string(i / layout.columns) + ") does not fit the " +
                      std::to_string(layout.bits_stored) + " bits stored");
    }
    values[i] = value;
  }
  return values;
}

Image present(const std::vector<std::int32_t>& values, const PixelLayout& layout,
              const Presentation& presentation, const std::string& source) {
  Image image;
  image.width = layout.columns;
  image.height = layout.rows;
  image.pixels.resize(values.size());
  const double slope = presentation.slope, intercept = presentation.intercept;
  if (presentation.lut) {
    const VoiLut& lut = *presentation.lut;
    image.bit_depth = lut.bits;
    const std::int64_t last = static_cast<std::int64_t>(lut.entries.size()) - 1;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double x = values[i] * slope + intercept;
      const std::int64_t index = std::clamp<std::int64_t>(
          static_cast<std::int64_t>(std::llround(x)) - lut.first_mapped, 0, last);
      image.pixels[i] = lut.entries[static_cast<std::size_t>(index)];
    }
    for (const std::uint16_t entry : lut.entries) {
      if (entry > image.max_value()) {
        throw DataError(source + ": DICOM VOI LUT Data holds " + std::to_string(entry) +
                        ", beyond the " + std::to_string(lut.bits) +
                        " bits per entry its LUT Descriptor declares");
      }
    }
  } else if (presentation.window) {
    image.bit_depth = 16;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double y = windowed(values[i] * slope + intercept, *presentation.window, 65535.0);
      image.pixels[i] = static_cast<std::uint16_t>(std::clamp(std::lround(y), 0L, 65535L));
    }
  } else {
    image.bit_depth = layout.bits_stored;
    const std::int32_t lowest = layout.is_signed ? -(1 << (layout.bits_stored - 1)) : 0;
    const std::int32_t top = (1 << layout.bits_stored) - 1;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::int32_t level = values[i] - lowest;
      image.pixels[i] = static_cast<std::uint16_t>(slope < 0 ? top - level : level);
    }
  }
  if (presentation.invert) {
    const auto top = static_cast<std::uint16_t>(image.max_value());
    for (std::uint16_t& pixel : image.pixels) pixel = static_cast<std::uint16_t>(top - pixel);
  }
  return image;
}

}  // namespace engine::data::dicom
