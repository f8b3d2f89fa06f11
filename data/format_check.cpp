#include "data/format_check.h"

#include <array>
#include <cstring>

#include "data/dicom.h"
#include "data/dicom_parse.h"
#include "data/error.h"

namespace engine::data {

namespace {

constexpr std::array<std::uint8_t, 8> png_signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t value = byte;
    for (int bit = 0; bit < 8; ++bit) value = (value & 1) ? 0xEDB88320u ^ (value >> 1) : value >> 1;
    table[byte] = value;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> crc_table = make_crc_table();

std::uint32_t big_endian_word(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::string chunk_name(const std::uint8_t* type) {
  std::string name;
  for (int i = 0; i < 4; ++i) {
    const bool letter = (type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z');
    name += letter ? std::string(1, static_cast<char>(type[i])) : "?";
  }
  return name;
}

void check_png(std::span<const std::uint8_t> bytes, const std::string& source,
               ImageHeader& header) {
  std::size_t position = png_signature.size();
  bool first = true;
  while (true) {
    if (bytes.size() - position < 12) {
      throw DataError(source + ": PNG is truncated (it ends at byte " +
                      std::to_string(bytes.size()) + " without an IEND chunk)");
    }
    const std::uint32_t length = big_endian_word(&bytes[position]);
    const std::uint8_t* type = &bytes[position + 4];
    const std::string name = chunk_name(type);
    if (length > bytes.size() - position - 12) {
      throw DataError(source + ": PNG is truncated (chunk " + name + " at byte " +
                      std::to_string(position) + " declares " + std::to_string(length) +
                      " bytes, the file ends sooner)");
    }
    const std::uint32_t stored_crc = big_endian_word(&bytes[position + 8 + length]);
    if (crc32(bytes.subspan(position + 4, length + 4)) != stored_crc) {
      throw DataError(source + ": PNG chunk " + name + " at byte " + std::to_string(position) +
                      " has a wrong CRC-32 (the file is corrupt)");
    }
    if (first) {
      if (name != "IHDR" || length != 13) {
        throw DataError(source + ": PNG does not start with a 13-byte IHDR chunk");
      }
      header.width = big_endian_word(&bytes[position + 8]);
      header.height = big_endian_word(&bytes[position + 12]);
      first = false;
    }
    if (name == "IEND") return;
    position += 12 + length;
  }
}

bool is_start_of_frame(std::uint8_t marker) {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::uint32_t big_endian_half(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 8) | std::uint32_t{bytes[1]};
}

bool is_standalone(std::uint8_t marker) {  // RST0-RST7 and TEM carry no length
  return (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01;
}

// A DHT segment holds one or more tables: a class/id byte, 16 code counts and that many symbols.
// stb_image 2.27 trusts the counts to sum to at most 256 and writes past its tables when they do
// not (found by fuzzing), so this check is a guard for the decoder, not only a diagnosis.
// Which Huffman tables the file has defined so far: [class][id], class 0 DC and 1 AC.
using DefinedTables = std::array<std::array<bool, 4>, 2>;

void check_huffman_tables(std::span<const std::uint8_t> bytes, std::size_t begin, std::size_t end,
                          const std::string& source, DefinedTables& defined) {
  std::size_t position = begin;
  while (position < end) {
    const std::uint8_t table = bytes[position];
    if ((table >> 4) > 1 || (table & 15) > 3) {
      throw DataError(source + ": JPEG Huffman table at byte " + std::to_string(position) +
                      " has class " + std::to_string(table >> 4) + " and id " +
                      std::to_string(table & 15) + " (at most 1 and 3)");
    }
    if (end - position < 17) {
      throw DataError(source + ": JPEG Huffman table at byte " + std::to_string(position) +
                      " runs past its segment");
    }
    std::size_t codes = 0;
    for (std::size_t i = 1; i <= 16; ++i) codes += bytes[position + i];
    if (codes > 256) {
      throw DataError(source + ": JPEG Huffman table at byte " + std::to_string(position) +
                      " declares " + std::to_string(codes) + " codes (at most 256 exist)");
    }
    if (end - position - 17 < codes) {
      throw DataError(source + ": JPEG Huffman table at byte " + std::to_string(position) +
                      " runs past its segment");
    }
    defined[table >> 4][table & 15] = true;
    position += 17 + codes;
  }
}

// A scan names, per component, the DC and AC tables it decodes with. stb_image 2.27 does not
// check that those tables were ever defined and then reads uninitialised tables, and past
// their ends (found by fuzzing). Which tables a scan uses: in a sequential frame both; in a
// progressive frame DC scans (spectral start 0) use the DC table on their first pass only and AC
// scans use the AC table; a lossless frame (SOF3, as DICOM JPEG lossless uses) has only DC-style
// tables, so its scans use the DC table alone.
void check_scan_tables(std::span<const std::uint8_t> bytes, std::size_t begin, std::size_t end,
                       bool progressive, bool lossless, const DefinedTables& defined,
                       const std::string& source) {
  const auto fail = [&](const std::string& what) {
    return DataError(source + ": JPEG scan header at byte " + std::to_string(begin - 4) + " " +
                     what);
  };
  const std::size_t components = begin < end ? bytes[begin] : 0;
  if (components < 1 || components > 4 || end - begin != 4 + 2 * components) {
    throw fail("is malformed");
  }
  const std::uint8_t spectral_start = bytes[begin + 1 + 2 * components];
  const std::uint8_t approximation_high = bytes[begin + 3 + 2 * components] >> 4;
  const bool uses_dc = !progressive || (spectral_start == 0 && approximation_high == 0);
  const bool uses_ac = !lossless && (!progressive || spectral_start > 0);
  for (std::size_t c = 0; c < components; ++c) {
    const std::uint8_t tables = bytes[begin + 2 + 2 * c];
    const int dc = tables >> 4, ac = tables & 15;
    if ((uses_dc && (dc > 3 || !defined[0][static_cast<std::size_t>(dc)])) ||
        (uses_ac && (ac > 3 || !defined[1][static_cast<std::size_t>(ac)]))) {
      throw fail("uses a Huffman table that was never defined");
    }
  }
}

// A JPEG is a sequence of marker segments: FF, a marker byte and, except for the standalone
// markers, a 2-byte length that counts itself, then the payload. A start-of-scan segment is
// followed by entropy-coded data, in which FF is always followed by 00 (a stuffed byte) or a
// restart marker, so the first other FF xx pair is the next marker. The walk reads the frame
// size, checks every Huffman table and requires an end-of-image marker after the last scan;
// anything after that marker is ignored.
void check_jpeg(std::span<const std::uint8_t> bytes, const std::string& source,
                ImageHeader& header) {
  const auto truncated = [&](bool after_scan) {
    return DataError(source + (after_scan
                                   ? ": JPEG is truncated (no end-of-image marker after its last "
                                     "scan)"
                                   : ": JPEG has no image data (no start-of-scan marker)"));
  };
  std::size_t position = 2;  // after the start-of-image marker
  bool has_frame = false, has_scan = false, progressive = false, lossless = false;
  DefinedTables defined{};
  while (true) {
    while (position + 1 < bytes.size() && bytes[position] == 0xFF && bytes[position + 1] == 0xFF) {
      ++position;  // fill bytes before a marker
    }
    if (position + 1 >= bytes.size()) throw truncated(has_scan);
    if (bytes[position] != 0xFF) {
      throw DataError(source + ": JPEG is corrupt (expected a marker at byte " +
                      std::to_string(position) + ")");
    }
    const std::uint8_t marker = bytes[position + 1];
    if (marker == 0xD9) {
      if (!has_scan) throw truncated(false);
      return;
    }
    if (is_standalone(marker)) {
      position += 2;
      continue;
    }
    if (position + 4 > bytes.size()) throw truncated(has_scan);
    const std::size_t length = big_endian_half(&bytes[position + 2]);
    if (length < 2 || marker == 0xD8 || marker == 0x00) {
      throw DataError(source + ": JPEG is corrupt (marker segment at byte " +
                      std::to_string(position) + " is malformed)");
    }
    const std::size_t end = position + 2 + length;
    if (end > bytes.size()) throw truncated(has_scan);
    if (is_start_of_frame(marker) && !has_frame) {
      if (length < 8) {
        throw DataError(source + ": JPEG frame header at byte " + std::to_string(position) +
                        " is too short");
      }
      header.precision = bytes[position + 4];
      header.height = big_endian_half(&bytes[position + 5]);
      header.width = big_endian_half(&bytes[position + 7]);
      header.components = bytes[position + 9];
      has_frame = true;
      progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
      lossless = marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF;
    }
    if (marker == 0xC4) check_huffman_tables(bytes, position + 4, end, source, defined);
    const std::size_t payload = position + 4;
    position = end;
    if (marker == 0xDA) {
      if (!has_frame) {
        throw DataError(source + ": JPEG has image data before its frame header");
      }
      check_scan_tables(bytes, payload, end, progressive, lossless, defined, source);
      has_scan = true;
      while (position + 1 < bytes.size() &&
             !(bytes[position] == 0xFF && bytes[position + 1] != 0x00 &&
               !is_standalone(bytes[position + 1]))) {
        ++position;
      }
    }
  }
}

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t value = 0xFFFFFFFFu;
  for (const std::uint8_t byte : bytes) value = crc_table[(value ^ byte) & 0xFF] ^ (value >> 8);
  return value ^ 0xFFFFFFFFu;
}

ImageFormat detect_format(std::span<const std::uint8_t> bytes, const std::string& source) {
  if (bytes.size() >= png_signature.size() &&
      std::memcmp(bytes.data(), png_signature.data(), png_signature.size()) == 0) {
    return ImageFormat::Png;
  }
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return ImageFormat::Jpeg;
  }
  if (dicom::has_dicom_preamble(bytes)) return ImageFormat::Dicom;
  const bool named_dicom =
      source.size() >= 4 && (source.ends_with(".dcm") || source.ends_with(".DCM"));
  throw DataError(source + (named_dicom
                                ? ": not a DICOM Part 10 file (no \"DICM\" after a 128-byte "
                                  "preamble; a bare data set without file meta information is "
                                  "not read)"
                                : ": not a PNG, JPEG or DICOM file (its first bytes are neither "
                                  "the PNG signature nor a JPEG start-of-image marker, and it has "
                                  "no \"DICM\" at byte 128)"));
}

ImageHeader inspect_image(std::span<const std::uint8_t> bytes, const std::string& source) {
  ImageHeader header;
  header.format = detect_format(bytes, source);
  if (header.format == ImageFormat::Dicom) {
    const DicomSize size = dicom_size(bytes, source);
    header.width = size.width;
    header.height = size.height;
  } else if (header.format == ImageFormat::Png) {
    check_png(bytes, source, header);
  } else {
    check_jpeg(bytes, source, header);
  }
  return header;
}

}  // namespace engine::data
