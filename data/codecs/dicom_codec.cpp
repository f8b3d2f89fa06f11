#include "data/dicom_codec.h"

#include <gdcmFragment.h>
#include <gdcmImage.h>
#include <gdcmSequenceOfFragments.h>
#include <gdcmTrace.h>
#include <gdcmVersion.h>

#include <bit>
#include <mutex>

#include "data/error.h"
#include "data/format_check.h"

namespace engine::data::dicom {

namespace {

static_assert(std::endian::native == std::endian::little, "GDCM returns host-order samples");

std::uint32_t big_endian(const std::uint8_t* bytes, int count) {
  std::uint32_t value = 0;
  for (int i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

bool is_jpeg_2000(const TransferSyntax& syntax) {
  return syntax.uid == "1.2.840.10008.1.2.4.90" || syntax.uid == "1.2.840.10008.1.2.4.91";
}

struct CodestreamSize {
  std::uint32_t width = 0, height = 0;
  int components = 0, precision = 0;
};

// JPEG (ITU T.81): the frame header read by data/format_check.cpp, which also checks the whole
// marker structure (Huffman tables, an end-of-image marker after the last scan).
CodestreamSize jpeg_size(std::span<const std::uint8_t> frame, const std::string& where) {
  const ImageHeader header = inspect_image(frame, where);
  if (header.format != ImageFormat::Jpeg) throw DataError(where + ": not a JPEG codestream");
  return {header.width, header.height, header.components, header.precision};
}

// JPEG 2000 (ITU T.800 annex A): a bare codestream, SOC then SIZ. Openjpeg sizes its
// allocations from SIZ, so the tiling is bounded here before it runs.
CodestreamSize jpeg_2000_size(std::span<const std::uint8_t> frame, const std::string& where) {
  if (frame.size() < 4 || big_endian(&frame[0], 2) != 0xFF4F ||
      big_endian(&frame[2], 2) != 0xFF51) {
    throw DataError(where +
                    ": not a JPEG 2000 codestream (no SOC and SIZ markers at its start; "
                    "a JP2 file wrapper is not allowed in DICOM)");
  }
  if (frame.size() < 4 + 41) throw DataError(where + ": JPEG 2000 SIZ marker is truncated");
  const std::uint8_t* siz = &frame[4];  // Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz, ...
  const std::uint32_t width = big_endian(siz + 4, 4), height = big_endian(siz + 8, 4);
  const std::uint32_t x_offset = big_endian(siz + 12, 4), y_offset = big_endian(siz + 16, 4);
  const std::uint32_t tile_width = big_endian(siz + 20, 4), tile_height = big_endian(siz + 24, 4);
  const std::uint32_t tile_x = big_endian(siz + 28, 4), tile_y = big_endian(siz + 32, 4);
  if (x_offset >= width || y_offset >= height || tile_width == 0 || tile_height == 0 ||
      tile_x > x_offset || tile_y > y_offset) {
    throw DataError(where + ": JPEG 2000 SIZ marker declares an empty image or impossible tiles");
  }
  const std::uint64_t tiles = ((std::uint64_t{width} - tile_x + tile_width - 1) / tile_width) *
                              ((std::uint64_t{height} - tile_y + tile_height - 1) / tile_height);
  if (tiles > 65536) {
    throw DataError(where + ": JPEG 2000 codestream has " + std::to_string(tiles) +
                    " tiles (at most 65536 are accepted)");
  }
  return {width - x_offset, height - y_offset, static_cast<int>(big_endian(siz + 36, 2)),
          (siz[38] & 0x7F) + 1};
}

void check_codestream(std::span<const std::uint8_t> frame, const ParsedFile& file,
                      const PixelLayout& layout, const std::string& source) {
  const std::string where = source + ": DICOM " + file.syntax.name + " pixel data";
  const CodestreamSize size =
      is_jpeg_2000(file.syntax) ? jpeg_2000_size(frame, where) : jpeg_size(frame, where);
  if (size.width != static_cast<std::uint32_t>(layout.columns) ||
      size.height != static_cast<std::uint32_t>(layout.rows)) {
    throw DataError(where + " is " + std::to_string(size.width) + " x " +
                    std::to_string(size.height) + " but Columns x Rows is " +
                    std::to_string(layout.columns) + " x " + std::to_string(layout.rows));
  }
  if (size.components != 1) {
    throw DataError(where + " has " + std::to_string(size.components) +
                    " components; a gray radiograph has 1");
  }
  if (size.precision < 1 || size.precision > layout.bits_allocated) {
    throw DataError(where + " has " + std::to_string(size.precision) +
                    "-bit samples, more than the " + std::to_string(layout.bits_allocated) +
                    " bits allocated");
  }
}

void silence_gdcm() {
  // GDCM prints warnings and errors to standard error by itself; the engine reports its own.
  static std::once_flag once;
  std::call_once(once, [] {
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetError(false);
  });
}

}  // namespace

std::vector<std::uint8_t> decode_frame(const ParsedFile& file, const PixelLayout& layout,
                                       const std::string& source) {
  silence_gdcm();
  // One frame: its fragments joined are one codestream (PS3.5 A.4).
  std::vector<std::uint8_t> frame;
  for (const std::span<const std::uint8_t> fragment : file.fragments) {
    frame.insert(frame.end(), fragment.begin(), fragment.end());
  }
  check_codestream(frame, file, layout, source);

  gdcm::Image image;
  image.SetNumberOfDimensions(2);
  image.SetDimension(0, static_cast<unsigned int>(layout.columns));
  image.SetDimension(1, static_cast<unsigned int>(layout.rows));
  image.SetPixelFormat(gdcm::PixelFormat(1, static_cast<unsigned short>(layout.bits_allocated),
                                         static_cast<unsigned short>(layout.bits_stored),
                                         static_cast<unsigned short>(layout.high_bit),
                                         layout.is_signed ? 1 : 0));
  image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
  image.SetTransferSyntax(gdcm::TransferSyntax::GetTSType(file.syntax.uid.c_str()));
  gdcm::SmartPointer<gdcm::SequenceOfFragments> fragments = new gdcm::SequenceOfFragments;
  gdcm::Fragment fragment;
  fragment.SetByteValue(reinterpret_cast<const char*>(frame.data()),
                        static_cast<std::uint32_t>(frame.size()));
  fragments->AddFragment(fragment);
  gdcm::DataElement pixel_data(gdcm::Tag(0x7FE0, 0x0010));
  pixel_data.SetValue(*fragments);
  image.SetDataElement(pixel_data);

  const std::size_t expected = static_cast<std::size_t>(layout.rows) * layout.columns *
                               static_cast<std::size_t>(layout.bits_allocated / 8);
  if (image.GetBufferLength() != expected) {
    throw DataError(source + ": DICOM " + file.syntax.name + " pixel data: GDCM expects " +
                    std::to_string(image.GetBufferLength()) + " bytes, not " +
                    std::to_string(expected));
  }
  std::vector<std::uint8_t> samples(expected);
  if (!image.GetBuffer(reinterpret_cast<char*>(samples.data()))) {
    throw DataError(source + ": DICOM " + file.syntax.name +
                    " pixel data could not be decoded (corrupt codestream; GDCM " + gdcm_version() +
                    ")");
  }
  if (image.GetPixelFormat().GetBitsAllocated() != layout.bits_allocated) {
    throw DataError(source + ": DICOM " + file.syntax.name + " codestream decodes to " +
                    std::to_string(image.GetPixelFormat().GetBitsAllocated()) +
                    "-bit words, not the " + std::to_string(layout.bits_allocated) +
                    " bits allocated");
  }
  return samples;
}

std::string gdcm_version() { return gdcm::Version::GetVersion(); }

}  // namespace engine::data::dicom
