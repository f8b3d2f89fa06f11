// DICOM test files made by the tests: a small writer of our own for uncompressed files (every
// transfer syntax byte order, any attribute, sequences, hand-made encapsulated fragments), and
// GDCM's encoders to transcode such a file to JPEG and JPEG 2000. No file is fetched or stored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/image.h"

namespace engine::data::testing {

struct DicomNode;
using DicomElements = std::map<std::uint32_t, DicomNode>;

// One attribute: text (padded to an even length), 16-bit words (US, SS, OW: written in the
// transfer syntax's byte order), raw bytes (OB, UN), or sequence items.
struct DicomNode {
  std::string vr;
  std::string text;
  std::vector<std::uint16_t> words;
  std::vector<std::uint8_t> raw;
  std::vector<DicomElements> items;
  std::vector<std::vector<std::uint8_t>> fragments;  // encapsulated (undefined length) OB
};

enum class DicomSyntax { ImplicitLittle, ExplicitLittle, ExplicitBig };

struct DicomSpec {
  int rows = 0, columns = 0;
  int bits_allocated = 16, bits_stored = 16, high_bit = 15;
  bool is_signed = false;
  std::string photometric = "MONOCHROME2";
  DicomSyntax syntax = DicomSyntax::ExplicitLittle;
  std::vector<std::int32_t> values;  // stored values, row by row; placed at High Bit
  DicomElements extra;               // more attributes, or replacements of the ones the writer sets
  // Instead of native pixels: an encapsulated Pixel Data of these fragments, under this
  // transfer syntax UID.
  std::vector<std::vector<std::uint8_t>> fragments;
  std::string encapsulated_syntax_uid;
};

constexpr std::uint32_t dicom_tag(std::uint16_t group, std::uint16_t element) {
  return (std::uint32_t{group} << 16) | element;
}
DicomNode dicom_text(const std::string& vr, const std::string& text);
DicomNode dicom_us(std::uint16_t value);
DicomNode dicom_words(const std::string& vr, std::vector<std::uint16_t> words);  // US, SS, OW
DicomNode dicom_raw(const std::string& vr, std::vector<std::uint8_t> bytes);     // OB, UN
DicomNode dicom_sequence(std::vector<DicomElements> items);

// A spec holding an 8- or 16-bit gray Image's samples as they are (MONOCHROME2, unsigned, Bits
// Stored = the image's bit depth): the DICOM a careful conversion of that PNG would give.
DicomSpec dicom_spec_of(const Image& image);

// The Part 10 file: preamble, DICM, meta information, then SOP class/instance (CR), the pixel
// description, the extra attributes and the pixel data, in tag order.
std::vector<std::uint8_t> make_dicom(const DicomSpec& spec);

// The Pixel Data element's value offset in a file made by make_dicom (native pixels).
std::size_t dicom_pixel_data_offset(const std::vector<std::uint8_t>& file);

// `file` re-encoded by GDCM in the transfer syntax with this UID (JPEG 4.50/4.51/4.57/4.70, JPEG
// 2000 4.90/4.91, JPEG-LS 4.80, RLE 1.2.5); lossy ones at high quality.
std::vector<std::uint8_t> transcode_dicom(const std::vector<std::uint8_t>& file,
                                          const std::string& syntax_uid);

}  // namespace engine::data::testing
