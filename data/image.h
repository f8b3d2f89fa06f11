// The two image forms the data pipeline passes around.
//
// Image: a decoded file, one gray channel, the integer samples exactly as the file held them
// (after conversion to gray), so 16-bit radiographs keep their 16 bits until normalisation.
// FloatImage: gray values in [0, 1] (sample / (2^bit_depth - 1)), the form that is resized,
// contrast-equalised and cached. Both are row-major, top row first, no padding between rows.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace engine::data {

struct DicomInfo;  // data/dicom.h

struct Image {
  int width = 0;
  int height = 0;
  // 1 to 16: samples are in [0, 2^bit_depth - 1]. PNG and JPEG give 8 or 16; DICOM gives its
  // Bits Stored (full stored range), its VOI LUT's bits per entry, or 16 (a window).
  int bit_depth = 8;
  bool had_alpha = false;  // the file had an alpha channel, composited on black (data/decode.h)
  std::vector<std::uint16_t> pixels;
  std::shared_ptr<const DicomInfo> dicom;  // set for a DICOM file: what was read and done

  std::uint16_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  double max_value() const { return static_cast<double>((1 << bit_depth) - 1); }
};

struct FloatImage {
  int width = 0;
  int height = 0;
  std::vector<float> pixels;

  FloatImage() = default;
  FloatImage(int width_, int height_, float fill = 0.0f)
      : width(width_),
        height(height_),
        pixels(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_), fill) {}
  float& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
  float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

// Divides every sample by the largest value its bit depth allows.
FloatImage to_unit_range(const Image& image);

}  // namespace engine::data
