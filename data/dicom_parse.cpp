#include "data/dicom_parse.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "data/error.h"

namespace engine::data::dicom {

namespace {

constexpr std::uint32_t undefined_length = 0xFFFFFFFFu;
constexpr std::uint32_t item_tag = make_tag(0xFFFE, 0xE000);
constexpr std::uint32_t item_end_tag = make_tag(0xFFFE, 0xE00D);
constexpr std::uint32_t sequence_end_tag = make_tag(0xFFFE, 0xE0DD);
constexpr std::uint32_t pixel_data_tag = make_tag(0x7FE0, 0x0010);
constexpr std::uint32_t transfer_syntax_tag = make_tag(0x0002, 0x0010);
// Nested sequences deeper than this are refused: real files nest a few levels, and a forged file
// must not exhaust the stack.
constexpr int maximum_depth = 16;

// Explicit VRs whose length is 4 bytes after 2 reserved bytes (PS3.5 table 7.1-1).
bool has_long_length(const std::string& vr) {
  static const std::array<const char*, 13> long_vrs = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                                       "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* name : long_vrs) {
    if (vr == name) return true;
  }
  return false;
}

// Sequences the engine reads, recognised by tag where the VR is implicit.
bool is_known_sequence(std::uint32_t tag) {
  return tag == make_tag(0x0028, 0x3010) || tag == make_tag(0x0028, 0x3000);
}

struct Cursor {
  std::span<const std::uint8_t> bytes;
  const std::string& source;
  bool big_endian = false;
  bool implicit_vr = false;

  [[noreturn]] void fail(std::size_t position, const std::string& what) const {
    throw DataError(source + ": DICOM " + what + " (at byte " + std::to_string(position) + ")");
  }
  void need(std::size_t position, std::size_t count, const std::string& what) const {
    if (position > bytes.size() || count > bytes.size() - position) {
      fail(position, "file is truncated: " + what + " needs " + std::to_string(count) +
                         " bytes, the file ends at byte " + std::to_string(bytes.size()));
    }
  }
  std::uint16_t half(std::size_t position) const {
    const std::uint8_t* b = &bytes[position];
    return big_endian ? static_cast<std::uint16_t>((b[0] << 8) | b[1])
                      : static_cast<std::uint16_t>((b[1] << 8) | b[0]);
  }
  std::uint32_t word(std::size_t position) const {
    const std::uint8_t* b = &bytes[position];
    return big_endian ? (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                            (std::uint32_t{b[2]} << 8) | b[3]
                      : (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) |
                            (std::uint32_t{b[1]} << 8) | b[0];
  }
  std::uint32_t tag(std::size_t position) const {
    return (std::uint32_t{half(position)} << 16) | half(position + 2);
  }
};

struct Header {
  std::uint32_t tag = 0;
  std::string vr;
  std::uint32_t length = 0;
  std::size_t value_offset = 0;
};

Header read_header(const Cursor& cursor, std::size_t position) {
  cursor.need(position, 8, "an element header");
  Header header;
  header.tag = cursor.tag(position);
  // Items and delimiters have no VR in any transfer syntax.
  if (cursor.implicit_vr || (header.tag >> 16) == 0xFFFE) {
    header.length = cursor.word(position + 4);
    header.value_offset = position + 8;
    return header;
  }
  const char first = static_cast<char>(cursor.bytes[position + 4]);
  const char second = static_cast<char>(cursor.bytes[position + 5]);
  if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z') {
    cursor.fail(position, "element " + tag_text(header.tag) + " has no valid value representation");
  }
  header.vr = {first, second};
  if (has_long_length(header.vr)) {
    cursor.need(position, 12, "element " + tag_text(header.tag) + "'s header");
    header.length = cursor.word(position + 8);
    header.value_offset = position + 12;
  } else {
    header.length = cursor.half(position + 6);
    header.value_offset = position + 8;
  }
  return header;
}

std::size_t parse_dataset(const Cursor& cursor, std::size_t position, std::size_t end,
                          bool until_item_end, int depth, Dataset& dataset, ParsedFile* top);

// The items of a sequence whose value starts at `position`; returns the position after it.
std::size_t parse_sequence(const Cursor& outer, const Header& header, int depth, Element& element) {
  if (depth >= maximum_depth) outer.fail(header.value_offset, "sequences are nested too deeply");
  Cursor cursor = outer;
  // A UN sequence of undefined length is encoded in implicit VR little endian (PS3.5 6.2.2).
  if (header.vr == "UN") cursor.big_endian = false, cursor.implicit_vr = true;
  const bool defined = header.length != undefined_length;
  if (defined) cursor.need(header.value_offset, header.length, "sequence " + tag_text(header.tag));
  const std::size_t end = defined ? header.value_offset + header.length : cursor.bytes.size();
  std::size_t position = header.value_offset;
  while (position < end) {
    const Header item = read_header(cursor, position);
    if (item.tag == sequence_end_tag && !defined) return item.value_offset;
    if (item.tag != item_tag) {
      cursor.fail(position, "sequence " + tag_text(header.tag) + " holds " + tag_text(item.tag) +
                                " where an item was expected");
    }
    Dataset& dataset = element.items.emplace_back();
    if (item.length == undefined_length) {
      position = parse_dataset(cursor, item.value_offset, end, true, depth + 1, dataset, nullptr);
    } else {
      cursor.need(item.value_offset, item.length, "an item of " + tag_text(header.tag));
      if (item.value_offset + item.length > end)
        cursor.fail(position, "item runs past its sequence");
      position = parse_dataset(cursor, item.value_offset, item.value_offset + item.length, false,
                               depth + 1, dataset, nullptr);
    }
  }
  if (!defined)
    cursor.fail(position,
                "file is truncated: sequence " + tag_text(header.tag) + " has no end delimiter");
  return end;
}

// Encapsulated pixel data: an offset table item, fragment items, a sequence delimiter.
std::size_t parse_fragments(const Cursor& cursor, const Header& header, ParsedFile& file) {
  std::size_t position = header.value_offset;
  bool first = true;
  while (true) {
    const Header item = read_header(cursor, position);
    if (item.tag == sequence_end_tag) return item.value_offset;
    if (item.tag != item_tag || item.length == undefined_length) {
      cursor.fail(position, "encapsulated Pixel Data holds " + tag_text(item.tag) +
                                " where a fragment item was expected");
    }
    cursor.need(item.value_offset, item.length, "a Pixel Data fragment");
    if (!first) file.fragments.push_back(cursor.bytes.subspan(item.value_offset, item.length));
    first = false;  // the first item is the basic offset table
    position = item.value_offset + item.length;
  }
}

// One element at `position`, stored in `dataset`; returns the position after it. `top` is the
// file when this is the top-level data set (where Pixel Data is taken from), else null.
std::size_t parse_element(const Cursor& cursor, std::size_t position, int depth, Dataset& dataset,
                          ParsedFile* top) {
  const Header header = read_header(cursor, position);
  if ((header.tag >> 16) == 0xFFFE) {
    cursor.fail(position, "delimiter " + tag_text(header.tag) + " outside a sequence");
  }
  Element element;
  element.tag = header.tag;
  element.vr = header.vr;
  element.big_endian = cursor.big_endian;
  element.offset = header.value_offset;
  std::size_t next = 0;
  const bool is_pixel_data = header.tag == pixel_data_tag && top != nullptr;
  if (is_pixel_data) {
    top->has_pixel_data = true;
    top->pixel_data_offset = header.value_offset;
    top->pixel_data_vr = header.vr.empty() ? "OW" : header.vr;
  }
  if (header.tag == pixel_data_tag && header.length == undefined_length) {
    // Compressed pixel data; inside a sequence item (an icon image) it is walked, not kept.
    ParsedFile icon;
    if (is_pixel_data) top->pixel_data_encapsulated = true;
    next = parse_fragments(cursor, header, is_pixel_data ? *top : icon);
  } else if (header.vr == "SQ" || header.length == undefined_length ||
             (cursor.implicit_vr && is_known_sequence(header.tag))) {
    if (header.vr != "SQ" && header.vr != "UN" && !header.vr.empty()) {
      cursor.fail(position, "element " + tag_text(header.tag) + " of VR " + header.vr +
                                " has an undefined length");
    }
    next = parse_sequence(cursor, header, depth, element);
  } else {
    cursor.need(header.value_offset, header.length,
                "element " + tag_text(header.tag) + "'s declared length of " +
                    std::to_string(header.length));
    element.value = cursor.bytes.subspan(header.value_offset, header.length);
    next = header.value_offset + header.length;
    if (is_pixel_data) top->native_pixels = element.value;
  }
  if (!dataset.elements.emplace(header.tag, std::move(element)).second && top != nullptr) {
    cursor.fail(position, "element " + tag_text(header.tag) + " appears twice in the data set");
  }
  return next;
}

std::size_t parse_dataset(const Cursor& cursor, std::size_t position, std::size_t end,
                          bool until_item_end, int depth, Dataset& dataset, ParsedFile* top) {
  while (position < end) {
    cursor.need(position, 4, "an element tag");
    if (until_item_end && cursor.tag(position) == item_end_tag) {
      return read_header(cursor, position).value_offset;
    }
    const std::size_t next = parse_element(cursor, position, depth, dataset, top);
    if (next > end) {
      cursor.fail(position, "element " + tag_text(cursor.tag(position)) + " runs past its item");
    }
    position = next;
  }
  if (until_item_end) cursor.fail(position, "file is truncated: an item has no end delimiter");
  return position;
}

}  // namespace

std::string printable(std::string_view text, std::size_t limit) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::string result;
  for (const char c : text.substr(0, limit)) result += (c >= 0x20 && c < 0x7F) ? c : '?';
  if (text.size() > limit) result += "...";
  return result;
}

std::string tag_text(std::uint32_t tag) {
  char text[16];
  std::snprintf(text, sizeof(text), "(%04X,%04X)", tag >> 16, tag & 0xFFFF);
  return text;
}

const Element* Dataset::find(std::uint32_t tag) const {
  const auto found = elements.find(tag);
  return found == elements.end() ? nullptr : &found->second;
}

bool has_dicom_preamble(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 132 && std::memcmp(&bytes[128], "DICM", 4) == 0;
}

ParsedFile parse(std::span<const std::uint8_t> bytes, const std::string& source) {
  if (!has_dicom_preamble(bytes)) {
    throw DataError(source + ": not a DICOM file (no \"DICM\" after a 128-byte preamble)");
  }
  ParsedFile file;
  Cursor cursor{bytes, source};
  // The file meta information: explicit VR little endian, every element in group 0002.
  std::size_t position = 132;
  while (position + 2 <= bytes.size() && cursor.half(position) == 0x0002) {
    position = parse_element(cursor, position, 0, file.meta, nullptr);
  }
  const Element* syntax = file.meta.find(transfer_syntax_tag);
  if (syntax == nullptr) {
    throw DataError(source + ": DICOM file meta information has no Transfer Syntax UID " +
                    tag_text(transfer_syntax_tag));
  }
  file.syntax = transfer_syntax(
      printable({reinterpret_cast<const char*>(syntax->value.data()), syntax->value.size()}));
  if (!file.syntax.supported) {
    throw DataError(source + ": DICOM transfer syntax " + file.syntax.name + " (" +
                    file.syntax.uid + ") is not supported; supported are uncompressed little " +
                    "and big endian, JPEG baseline, extended and lossless, and JPEG 2000");
  }
  cursor.big_endian = file.syntax.big_endian;
  cursor.implicit_vr = file.syntax.implicit_vr;
  parse_dataset(cursor, position, bytes.size(), false, 0, file.dataset, &file);
  if (!file.has_pixel_data) throw DataError(source + ": DICOM file has no Pixel Data (7FE0,0010)");
  if (file.syntax.encapsulated != file.pixel_data_encapsulated) {
    throw DataError(source + ": DICOM Pixel Data is " +
                    (file.pixel_data_encapsulated ? "encapsulated" : "not encapsulated") +
                    " but the transfer syntax is " + file.syntax.name);
  }
  if (file.pixel_data_encapsulated && file.fragments.empty()) {
    throw DataError(source + ": DICOM encapsulated Pixel Data has no fragment");
  }
  return file;
}

}  // namespace engine::data::dicom
