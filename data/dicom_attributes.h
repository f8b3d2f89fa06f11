// Reading the attribute values the engine needs from a parsed DICOM file, each checked against
// its value representation (a US must be 2 bytes, a DS decimal text, ...), with errors that name
// the attribute, its tag and the byte where its value starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/decode.h"
#include "data/dicom.h"
#include "data/dicom_parse.h"
#include "data/dicom_pixels.h"

namespace engine::data::dicom {

class Attributes {
 public:
  Attributes(const ParsedFile& file, const std::string& source) : file_(file), source_(source) {}
  const std::string& source() const { return source_; }

  // Text values with trailing spaces removed; nullopt when absent.
  std::optional<std::string> text(std::uint32_t tag, const Dataset* in = nullptr) const;
  std::string required_text(std::uint32_t tag) const;
  // A 16-bit unsigned value (US).
  std::optional<int> unsigned_short(std::uint32_t tag, const Dataset* in = nullptr) const;
  int required_unsigned(std::uint32_t tag) const;
  // Decimal strings (DS), every value of a multi-valued attribute; empty when absent.
  std::vector<double> decimals(std::uint32_t tag) const;
  // An integer string (IS).
  std::optional<std::int64_t> integer(std::uint32_t tag) const;

  // What describes the image (never who it shows).
  DicomInfo describe(const ParsedFile& file, const PixelLayout& layout) const;
  // The rescale, the VOI in force (recorded in info.voi) and the MONOCHROME1 inversion. Throws
  // DataError for a Modality LUT Sequence, an unusable window or LUT, and MONOCHROME2 with an
  // INVERSE Presentation LUT Shape.
  Presentation presentation(const PixelLayout& layout, DicomWindow window, DicomInfo& info) const;

 private:
  const Element* find(std::uint32_t tag, const Dataset* in) const;
  [[noreturn]] void fail(std::uint32_t tag, const Element* element, const std::string& what) const;
  std::optional<VoiLut> voi_lut(const PixelLayout& layout, std::string& explanation) const;

  const ParsedFile& file_;
  const std::string& source_;
};

// The attribute's name as PS3.6 gives it, with its tag: "Rows (0028,0010)".
std::string attribute_name(std::uint32_t tag);

}  // namespace engine::data::dicom
