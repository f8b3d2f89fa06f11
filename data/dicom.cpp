#include "data/dicom.h"

#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>

#include "data/dicom_attributes.h"
#include "data/dicom_codec.h"
#include "data/dicom_parse.h"
#include "data/dicom_pixels.h"
#include "data/error.h"

namespace engine::data {

namespace {

using dicom::Attributes;
using dicom::make_tag;

// The grayscale layout, each attribute checked against what the engine can decode.
dicom::PixelLayout read_layout(const Attributes& attributes, const DecodeLimits& limits) {
  const std::string& source = attributes.source();
  const std::string photometric = attributes.required_text(make_tag(0x0028, 0x0004));
  const int samples = attributes.required_unsigned(make_tag(0x0028, 0x0002));
  if (samples != 1 || (photometric != "MONOCHROME1" && photometric != "MONOCHROME2")) {
    throw DataError(source + ": DICOM colour image (Photometric Interpretation " +
                    dicom::printable(photometric) + ", " + std::to_string(samples) +
                    " sample(s) per pixel) is not supported: the engine reads gray radiographs, " +
                    "MONOCHROME1 or MONOCHROME2 with one sample per pixel");
  }
  if (const auto frames = attributes.integer(make_tag(0x0028, 0x0008)); frames && *frames != 1) {
    throw DataError(source + ": DICOM multi-frame image (" + std::to_string(*frames) +
                    " frames) is not supported: one radiograph per file");
  }
  dicom::PixelLayout layout;
  layout.rows = attributes.required_unsigned(make_tag(0x0028, 0x0010));
  layout.columns = attributes.required_unsigned(make_tag(0x0028, 0x0011));
  layout.bits_allocated = attributes.required_unsigned(make_tag(0x0028, 0x0100));
  layout.bits_stored = attributes.required_unsigned(make_tag(0x0028, 0x0101));
  layout.high_bit = attributes.required_unsigned(make_tag(0x0028, 0x0102));
  const int representation = attributes.required_unsigned(make_tag(0x0028, 0x0103));
  layout.is_signed = representation == 1;
  if (layout.rows == 0 || layout.columns == 0) {
    throw DataError(source + ": image has zero width or height (" + std::to_string(layout.columns) +
                    " x " + std::to_string(layout.rows) + ")");
  }
  const std::uint64_t pixels = std::uint64_t(layout.rows) * std::uint64_t(layout.columns);
  if (limits.max_pixels < 0 || pixels > static_cast<std::uint64_t>(limits.max_pixels)) {
    throw DataError(source + ": image is " + std::to_string(layout.columns) + " x " +
                    std::to_string(layout.rows) + " = " + std::to_string(pixels) +
                    " pixels, above the limit of " + std::to_string(limits.max_pixels) +
                    " (a corrupt header, or not a radiograph)");
  }
  if (layout.bits_allocated != 8 && layout.bits_allocated != 16) {
    throw DataError(source + ": DICOM Bits Allocated " + std::to_string(layout.bits_allocated) +
                    " is not supported (8 or 16)");
  }
  if (layout.bits_stored < 1 || layout.bits_stored > layout.bits_allocated ||
      layout.high_bit < layout.bits_stored - 1 || layout.high_bit >= layout.bits_allocated ||
      representation > 1) {
    throw DataError(source + ": DICOM pixel description is inconsistent (Bits Allocated " +
                    std::to_string(layout.bits_allocated) + ", Bits Stored " +
                    std::to_string(layout.bits_stored) + ", High Bit " +
                    std::to_string(layout.high_bit) + ", Pixel Representation " +
                    std::to_string(representation) + ")");
  }
  return layout;
}

std::vector<std::int32_t> read_values(const dicom::ParsedFile& file,
                                      const dicom::PixelLayout& layout, const std::string& source) {
  if (file.syntax.encapsulated) {
    if (layout.high_bit != layout.bits_stored - 1) {
      throw DataError(source + ": DICOM High Bit " + std::to_string(layout.high_bit) +
                      " with Bits Stored " + std::to_string(layout.bits_stored) +
                      " is not valid for compressed pixel data (High Bit must be Bits Stored - 1)");
    }
    const std::vector<std::uint8_t> words = dicom::decode_frame(file, layout, source);
    return dicom::stored_values(
        words, layout, dicom::WordOrder::Little,
        file.syntax.lossy ? dicom::WordSource::Lossy : dicom::WordSource::Lossless, source);
  }
  const std::size_t needed = static_cast<std::size_t>(layout.rows) * layout.columns *
                             static_cast<std::size_t>(layout.bits_allocated / 8);
  const std::size_t held = file.native_pixels.size();
  if (held < needed || held > needed + 1) {  // one byte of padding to an even length is allowed
    throw DataError(
        source + ": DICOM Pixel Data (7FE0,0010) at byte " +
        std::to_string(file.pixel_data_offset) + " holds " + std::to_string(held) + " bytes; " +
        std::to_string(layout.rows) + " rows x " + std::to_string(layout.columns) + " columns at " +
        std::to_string(layout.bits_allocated) + " bits allocated need " + std::to_string(needed) +
        (held < needed ? "" : " (more frames than Number of Frames says?)"));
  }
  dicom::WordOrder order = dicom::WordOrder::Little;
  if (file.syntax.big_endian) {
    order = layout.bits_allocated == 16 || file.pixel_data_vr == "OW"
                ? (layout.bits_allocated == 16 ? dicom::WordOrder::Big
                                               : dicom::WordOrder::BigWordsOfBytes)
                : dicom::WordOrder::Little;
  }
  return dicom::stored_values(file.native_pixels, layout, order, dicom::WordSource::Native, source);
}

}  // namespace

DicomSize dicom_size(std::span<const std::uint8_t> bytes, const std::string& source) {
  const dicom::ParsedFile file = dicom::parse(bytes, source);
  const Attributes attributes(file, source);
  return {static_cast<std::uint32_t>(attributes.required_unsigned(make_tag(0x0028, 0x0011))),
          static_cast<std::uint32_t>(attributes.required_unsigned(make_tag(0x0028, 0x0010)))};
}

Image decode_dicom(std::span<const std::uint8_t> bytes, const std::string& source,
                   const DecodeLimits& limits, DicomWindow window) {
  const dicom::ParsedFile file = dicom::parse(bytes, source);
  const Attributes attributes(file, source);
  const dicom::PixelLayout layout = read_layout(attributes, limits);
  auto info = std::make_shared<DicomInfo>(attributes.describe(file, layout));
  const dicom::Presentation presentation = attributes.presentation(layout, window, *info);
  const std::vector<std::int32_t> values = read_values(file, layout, source);
  Image image = dicom::present(values, layout, presentation, source);
  image.dicom = std::move(info);
  return image;
}

}  // namespace engine::data
