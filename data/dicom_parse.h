// The structure of a DICOM Part 10 file, read by our own code before any library sees the bytes.
//
// A DICOM file is a 128-byte preamble, "DICM", the file meta information (group 0002, always
// explicit VR little endian) and then the data set in the transfer syntax that the meta
// information names: implicit VR little endian, explicit VR little endian or explicit VR big
// endian. Each element is a tag, (in explicit VR) a two-letter value representation and a length;
// a sequence holds items, each a nested data set; an undefined length (FFFFFFFF) runs to a
// delimiter. Compressed ("encapsulated") pixel data is a sequence of fragments after a basic
// offset table.
//
// This walk checks that every element, item and fragment lies inside the file, so that a
// truncated file or a forged length is reported as such, with the byte where it happens, instead
// of reaching a codec. It keeps where each value is; dicom.cpp reads the values it needs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace engine::data::dicom {

constexpr std::uint32_t make_tag(std::uint16_t group, std::uint16_t element) {
  return (std::uint32_t{group} << 16) | element;
}
// "(0028,0010)"
std::string tag_text(std::uint32_t tag);

struct Dataset;

struct Element {
  std::uint32_t tag = 0;
  std::string vr;  // two letters; in implicit VR the dictionary's VR for the tags we read, or ""
  bool big_endian = false;
  std::size_t offset = 0;               // of the value, from the start of the file
  std::span<const std::uint8_t> value;  // empty for sequences and encapsulated pixel data
  std::vector<Dataset> items;           // for sequences
};

struct Dataset {
  std::map<std::uint32_t, Element> elements;  // a repeated tag keeps the first
  const Element* find(std::uint32_t tag) const;
};

struct TransferSyntax {
  std::string uid;
  std::string name;        // as PS3.6 names it
  bool supported = false;  // the engine decodes it (see data/dicom.h for the list)
  bool encapsulated = false;
  bool big_endian = false;
  bool implicit_vr = false;
  bool lossy = false;  // the compression can discard information
};

// The transfer syntax with this UID: supported or not, named when known.
TransferSyntax transfer_syntax(const std::string& uid);

struct ParsedFile {
  TransferSyntax syntax;
  Dataset meta;     // group 0002
  Dataset dataset;  // everything after it
  std::size_t pixel_data_offset = 0;
  std::string pixel_data_vr;
  std::span<const std::uint8_t> native_pixels;           // uncompressed transfer syntaxes
  std::vector<std::span<const std::uint8_t>> fragments;  // encapsulated, after the offset table
  bool has_pixel_data = false;
  bool pixel_data_encapsulated = false;
};

// Text from the file made safe to print: printable ASCII only (anything else becomes '?'), leading
// and trailing spaces and NULs removed, at most `limit` characters ("..." marks a cut).
std::string printable(std::string_view text, std::size_t limit = 64);

// True when the bytes start with a 128-byte preamble and "DICM".
bool has_dicom_preamble(std::span<const std::uint8_t> bytes);

// Walks the whole file. Throws DataError "<source>: DICOM ..." when the structure is broken or
// the transfer syntax is not supported (named). The spans point into `bytes`.
ParsedFile parse(std::span<const std::uint8_t> bytes, const std::string& source);

}  // namespace engine::data::dicom
