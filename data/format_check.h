// Structural checks of PNG and JPEG files made before stb_image sees them.
//
// stb_image is forgiving: it ignores PNG chunk checksums and decodes a JPEG cut off in the middle
// of its last scan as if the missing data were zero. For evidence that is the wrong trade, so
// these checks reject what stb_image would quietly accept, with a message that says what is
// wrong: every PNG chunk must lie inside the file, carry a correct CRC-32 and the file must reach
// IEND; a JPEG must have an end-of-image marker after its last start-of-scan. They also read the
// declared size, which stb_image cannot report for images too large for it to decode.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace engine::data {

enum class ImageFormat { Png, Jpeg, Dicom };

// Identifies the format from the leading bytes ("DICM" at byte 128 for DICOM); throws DataError
// "<source>: not a PNG, JPEG or DICOM file ..." for anything else.
ImageFormat detect_format(std::span<const std::uint8_t> bytes, const std::string& source);

struct ImageHeader {
  ImageFormat format = ImageFormat::Png;
  std::uint32_t width = 0;  // as the header declares them, before any decoding
  std::uint32_t height = 0;
  int components = 0;  // JPEG: from the frame header (a DICOM codestream is checked against it)
  int precision = 0;   // JPEG: bits per sample
};

// Identifies the format, checks the structure and reads the declared size (PNG: IHDR; JPEG: the
// first start-of-frame marker; DICOM: Rows and Columns, after data/dicom_parse.h's walk). Throws
// DataError "<source>: ..." when the structure is broken. A zero size is returned, not rejected:
// the caller says why it is unusable.
ImageHeader inspect_image(std::span<const std::uint8_t> bytes, const std::string& source);

// CRC-32 as PNG uses it (ISO 3309, reflected polynomial 0xEDB88320).
std::uint32_t crc32(std::span<const std::uint8_t> bytes);

}  // namespace engine::data
