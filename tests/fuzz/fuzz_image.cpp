// Fuzzes the image reading wrapper: format detection and structure checks, stb_image, and the
// conversion to gray. Every input is decoded twice: as given, and with every PNG chunk's CRC-32
// recomputed, because otherwise almost every mutation inside a PNG chunk would stop at the CRC
// check and the decoder behind it would never be reached.
// Properties checked: DataError is the only exception; a decoded image has width * height
// samples, each within its bit depth (8 or 16 for PNG and JPEG, 1 to 16 for DICOM).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "data/decode.h"
#include "data/error.h"
#include "data/format_check.h"
#include "tests/fuzz/property.h"

namespace data = engine::data;

namespace {

using engine::fuzz::require;

std::uint32_t read_word(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// Rewrites the CRC of every complete chunk after the PNG signature.
std::vector<std::uint8_t> with_repaired_crcs(std::vector<std::uint8_t> png) {
  std::size_t position = 8;
  while (png.size() >= 12 && position <= png.size() - 12) {
    const std::uint32_t length = read_word(&png[position]);
    if (length > png.size() - position - 12) break;
    const std::uint32_t crc =
        data::crc32(std::span<const std::uint8_t>(&png[position + 4], length + 4));
    for (int i = 0; i < 4; ++i)
      png[position + 8 + length + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
    position += 12 + length;
  }
  return png;
}

void decode_and_check(const std::vector<std::uint8_t>& bytes) {
  try {
    // A limit well below the default keeps each run's memory within libFuzzer's budget.
    const data::Image image = data::decode_image(bytes, "fuzz.img", data::DecodeLimits{4'000'000});
    require(image.width > 0 && image.height > 0, "a decoded image has a size");
    require(image.pixels.size() == static_cast<std::size_t>(image.width) * image.height,
            "one sample per pixel");
    // PNG and JPEG give 8 or 16 bits; a DICOM file (DICM at byte 128) 1 to 16.
    require(image.bit_depth >= 1 && image.bit_depth <= 16, "bit depth is 1 to 16");
    for (const std::uint16_t value : image.pixels) {
      require(value <= image.max_value(), "samples fit their bit depth");
    }
  } catch (const data::DataError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::vector<std::uint8_t> input(bytes, bytes + size);
  decode_and_check(input);
  static constexpr std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (size >= 8 && std::memcmp(bytes, signature, 8) == 0)
    decode_and_check(with_repaired_crcs(input));
  return 0;
}
