// From a DICOM frame's sample words to the gray Image the engine preprocesses, following the
// grayscale pipeline of PS3.3 C.11 in its order:
//   1. stored value: the Bits Stored bits that end at High Bit, as two's complement when Pixel
//      Representation is 1;
//   2. modality value: stored * Rescale Slope + Rescale Intercept;
//   3. VOI: the first VOI LUT of the VOI LUT Sequence when there is one, else the first Window
//      Center/Width pair (function LINEAR, LINEAR_EXACT or SIGMOID), else the full stored range;
//   4. MONOCHROME1 is inverted, so that bone is bright as in MONOCHROME2.
// The output's bit depth is the LUT's bits per entry for a VOI LUT, 16 for a window and Bits
// Stored for the full range, so that no level is lost or invented:
//   full stored range: every value Bits Stored can hold, from the lowest (0 unsigned, -2^(n-1)
//   signed) to the highest, becomes 0 .. 2^n - 1 in order, reversed when the slope is negative
//   (the rescale is linear, so this is the modality range mapped onto black .. white). An 8- or
//   16-bit unsigned MONOCHROME2 file therefore gives exactly its stored samples, as a PNG would.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/image.h"

namespace engine::data::dicom {

struct PixelLayout {
  int rows = 0, columns = 0;
  int bits_allocated = 16, bits_stored = 16, high_bit = 15;
  bool is_signed = false;
};

enum class WordOrder { Little, Big, BigWordsOfBytes };  // the last: 8-bit samples in big-endian OW

// Where the words come from, which decides what bits outside Bits Stored mean.
enum class WordSource {
  Native,    // the file's own words: other bits are ignored (overlays were once kept there)
  Lossless,  // a lossless decoder: the value zero- or sign-extended; anything else is an error
  Lossy,     // a lossy decoder: its overshoot past the stored range is clamped into it
};

// Stored values of rows x columns samples (compressed: High Bit = Bits Stored - 1).
std::vector<std::int32_t> stored_values(std::span<const std::uint8_t> words,
                                        const PixelLayout& layout, WordOrder order,
                                        WordSource origin, const std::string& source);

struct VoiLut {
  std::int32_t first_mapped = 0;
  int bits = 16;
  std::vector<std::uint16_t> entries;
};

struct Window {
  double center = 0, width = 0;
  std::string function = "LINEAR";  // LINEAR, LINEAR_EXACT or SIGMOID
};

struct Presentation {
  double slope = 1, intercept = 0;
  std::optional<VoiLut> lut;  // wins over the window
  std::optional<Window> window;
  bool invert = false;  // MONOCHROME1
};

// Steps 2 to 4. Throws DataError "<source>: ..." for a LUT value beyond its bits.
Image present(const std::vector<std::int32_t>& values, const PixelLayout& layout,
              const Presentation& presentation, const std::string& source);

}  // namespace engine::data::dicom
