#include "dicom_fixtures.h"

#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>
#include <gdcmJPEG2000Codec.h>
#include <gdcmJPEGCodec.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace engine::data::testing {

namespace {

const char* syntax_uid(DicomSyntax syntax) {
  switch (syntax) {
    case DicomSyntax::ImplicitLittle: return "1.2.840.10008.1.2";
    case DicomSyntax::ExplicitLittle: return "1.2.840.10008.1.2.1";
    case DicomSyntax::ExplicitBig: return "1.2.840.10008.1.2.2";
  }
  return "";
}

struct Encoder {
  bool big_endian = false;
  bool implicit_vr = false;
  std::vector<std::uint8_t> out;

  void half(std::uint16_t value) {
    if (big_endian) {
      out.push_back(static_cast<std::uint8_t>(value >> 8));
      out.push_back(static_cast<std::uint8_t>(value));
    } else {
      out.push_back(static_cast<std::uint8_t>(value));
      out.push_back(static_cast<std::uint8_t>(value >> 8));
    }
  }
  void word(std::uint32_t value) {
    if (big_endian) {
      half(static_cast<std::uint16_t>(value >> 16));
      half(static_cast<std::uint16_t>(value));
    } else {
      half(static_cast<std::uint16_t>(value));
      half(static_cast<std::uint16_t>(value >> 16));
    }
  }
  void header(std::uint32_t tag, const std::string& vr, std::uint32_t length) {
    half(static_cast<std::uint16_t>(tag >> 16));
    half(static_cast<std::uint16_t>(tag));
    if (implicit_vr || (tag >> 16) == 0xFFFE) {
      word(length);
      return;
    }
    out.insert(out.end(), vr.begin(), vr.end());
    static const char* long_vrs[] = {"OB", "OW", "SQ", "UN", "UT", "OF", "OD", "OL", "UC", "UR"};
    if (std::any_of(std::begin(long_vrs), std::end(long_vrs),
                    [&](const char* v) { return vr == v; })) {
      half(0);
      word(length);
    } else {
      half(static_cast<std::uint16_t>(length));
    }
  }
  void elements(const DicomElements& elements) {
    for (const auto& [tag, node] : elements) element(tag, node);
  }
  void element(std::uint32_t tag, const DicomNode& node) {
    if (node.vr == "SQ") {
      header(tag, "SQ", 0xFFFFFFFFu);
      for (const DicomElements& item : node.items) {
        header(0xFFFEE000u, "", 0xFFFFFFFFu);
        elements(item);
        header(0xFFFEE00Du, "", 0);
      }
      header(0xFFFEE0DDu, "", 0);
      return;
    }
    if (!node.fragments.empty()) {
      header(tag, "OB", 0xFFFFFFFFu);
      header(0xFFFEE000u, "", 0);  // an empty basic offset table
      for (std::vector<std::uint8_t> fragment : node.fragments) {
        if (fragment.size() % 2) fragment.push_back(0);
        header(0xFFFEE000u, "", static_cast<std::uint32_t>(fragment.size()));
        out.insert(out.end(), fragment.begin(), fragment.end());
      }
      header(0xFFFEE0DDu, "", 0);
      return;
    }
    std::vector<std::uint8_t> value;
    if (!node.words.empty()) {
      Encoder words{big_endian, implicit_vr, {}};
      for (const std::uint16_t w : node.words) words.half(w);
      value = std::move(words.out);
    } else if (!node.raw.empty()) {
      value = node.raw;
    } else {
      value.assign(node.text.begin(), node.text.end());
    }
    if (value.size() % 2) value.push_back(node.vr == "UI" || node.vr == "OB" ? 0 : ' ');
    header(tag, node.vr, static_cast<std::uint32_t>(value.size()));
    out.insert(out.end(), value.begin(), value.end());
  }
};

std::vector<std::uint16_t> pixel_words(const DicomSpec& spec) {
  const std::uint32_t mask = (1u << spec.bits_stored) - 1;
  const int shift = spec.high_bit + 1 - spec.bits_stored;
  std::vector<std::uint16_t> words;
  for (const std::int32_t value : spec.values) {
    words.push_back(
        static_cast<std::uint16_t>((static_cast<std::uint32_t>(value) & mask) << shift));
  }
  return words;
}

std::vector<std::uint8_t> encapsulated(const std::vector<std::vector<std::uint8_t>>& fragments) {
  Encoder encoder;
  DicomNode pixels;
  pixels.vr = "OB";
  pixels.fragments = fragments;
  encoder.element(0x7FE00010u, pixels);
  return encoder.out;
}

}  // namespace

DicomNode dicom_text(const std::string& vr, const std::string& text) {
  DicomNode node;
  node.vr = vr;
  node.text = text;
  return node;
}

DicomNode dicom_us(std::uint16_t value) { return dicom_words("US", {value}); }

DicomNode dicom_words(const std::string& vr, std::vector<std::uint16_t> words) {
  DicomNode node;
  node.vr = vr;
  node.words = std::move(words);
  return node;
}

DicomNode dicom_raw(const std::string& vr, std::vector<std::uint8_t> bytes) {
  DicomNode node;
  node.vr = vr;
  node.raw = std::move(bytes);
  return node;
}

DicomNode dicom_sequence(std::vector<DicomElements> items) {
  DicomNode node;
  node.vr = "SQ";
  node.items = std::move(items);
  return node;
}

DicomSpec dicom_spec_of(const Image& image) {
  DicomSpec spec;
  spec.rows = image.height;
  spec.columns = image.width;
  spec.bits_allocated = image.bit_depth > 8 ? 16 : 8;
  spec.bits_stored = image.bit_depth;
  spec.high_bit = image.bit_depth - 1;
  spec.values.assign(image.pixels.begin(), image.pixels.end());
  return spec;
}

std::vector<std::uint8_t> make_dicom(const DicomSpec& spec) {
  const std::string sop_class = "1.2.840.10008.5.1.4.1.1.1";  // Computed Radiography
  const std::string instance = "1.2.826.0.1.3680043.10.1234.1";
  const std::string syntax =
      spec.fragments.empty() ? syntax_uid(spec.syntax) : spec.encapsulated_syntax_uid;
  Encoder meta;
  DicomElements meta_elements;
  meta_elements[dicom_tag(0x0002, 0x0001)] = dicom_raw("OB", {0, 1});
  meta_elements[dicom_tag(0x0002, 0x0002)] = dicom_text("UI", sop_class);
  meta_elements[dicom_tag(0x0002, 0x0003)] = dicom_text("UI", instance);
  meta_elements[dicom_tag(0x0002, 0x0010)] = dicom_text("UI", syntax);
  meta_elements[dicom_tag(0x0002, 0x0012)] = dicom_text("UI", "1.2.826.0.1.3680043.10.1234");
  meta.elements(meta_elements);
  std::vector<std::uint8_t> file(132, 0);
  std::memcpy(&file[128], "DICM", 4);
  Encoder group_length;
  group_length.header(dicom_tag(0x0002, 0x0000), "UL", 4);
  group_length.word(static_cast<std::uint32_t>(meta.out.size()));
  file.insert(file.end(), group_length.out.begin(), group_length.out.end());
  file.insert(file.end(), meta.out.begin(), meta.out.end());

  DicomElements elements;
  elements[dicom_tag(0x0008, 0x0016)] = dicom_text("UI", sop_class);
  elements[dicom_tag(0x0008, 0x0018)] = dicom_text("UI", instance);
  elements[dicom_tag(0x0008, 0x0060)] = dicom_text("CS", "CR");
  elements[dicom_tag(0x0028, 0x0002)] = dicom_us(1);
  elements[dicom_tag(0x0028, 0x0004)] = dicom_text("CS", spec.photometric);
  elements[dicom_tag(0x0028, 0x0010)] = dicom_us(static_cast<std::uint16_t>(spec.rows));
  elements[dicom_tag(0x0028, 0x0011)] = dicom_us(static_cast<std::uint16_t>(spec.columns));
  elements[dicom_tag(0x0028, 0x0100)] = dicom_us(static_cast<std::uint16_t>(spec.bits_allocated));
  elements[dicom_tag(0x0028, 0x0101)] = dicom_us(static_cast<std::uint16_t>(spec.bits_stored));
  elements[dicom_tag(0x0028, 0x0102)] = dicom_us(static_cast<std::uint16_t>(spec.high_bit));
  elements[dicom_tag(0x0028, 0x0103)] = dicom_us(spec.is_signed ? 1 : 0);
  for (const auto& [tag, node] : spec.extra) elements[tag] = node;
  Encoder body{
      spec.syntax == DicomSyntax::ExplicitBig, spec.syntax == DicomSyntax::ImplicitLittle, {}};
  body.elements(elements);
  if (!spec.fragments.empty()) {
    const std::vector<std::uint8_t> pixels = encapsulated(spec.fragments);
    body.out.insert(body.out.end(), pixels.begin(), pixels.end());
  } else if (spec.bits_allocated == 8) {
    DicomNode pixels = dicom_raw("OB", {});
    for (const std::uint16_t w : pixel_words(spec))
      pixels.raw.push_back(static_cast<std::uint8_t>(w));
    body.element(dicom_tag(0x7FE0, 0x0010), pixels);
  } else {
    body.element(dicom_tag(0x7FE0, 0x0010), dicom_words("OW", pixel_words(spec)));
  }
  file.insert(file.end(), body.out.begin(), body.out.end());
  return file;
}

std::size_t dicom_pixel_data_offset(const std::vector<std::uint8_t>& file) {
  // The last 7FE0,0010 header: little (E07F 1000) or big endian (7FE0 0010) tag bytes.
  for (std::size_t i = file.size() - 8; i > 132; --i) {
    const bool little =
        file[i] == 0xE0 && file[i + 1] == 0x7F && file[i + 2] == 0x10 && file[i + 3] == 0;
    const bool big =
        file[i] == 0x7F && file[i + 1] == 0xE0 && file[i + 2] == 0 && file[i + 3] == 0x10;
    const bool explicit_vr = file[i + 4] == 'O' && (file[i + 5] == 'B' || file[i + 5] == 'W');
    if (little || big) return i + (explicit_vr ? 12 : 8);  // tag, VR, 2 reserved, 4 length
  }
  throw std::runtime_error("no Pixel Data in the fixture");
}

std::vector<std::uint8_t> transcode_dicom(const std::vector<std::uint8_t>& file,
                                          const std::string& syntax_uid) {
  std::istringstream input(std::string(file.begin(), file.end()));
  gdcm::ImageReader reader;
  reader.SetStream(input);
  if (!reader.Read()) throw std::runtime_error("GDCM cannot read the fixture");
  const gdcm::TransferSyntax syntax = gdcm::TransferSyntax::GetTSType(syntax_uid.c_str());
  gdcm::ImageChangeTransferSyntax change;
  change.SetTransferSyntax(syntax);
  change.SetInput(reader.GetImage());
  gdcm::JPEGCodec jpeg;
  gdcm::JPEG2000Codec jpeg_2000;
  if (syntax_uid == "1.2.840.10008.1.2.4.50" || syntax_uid == "1.2.840.10008.1.2.4.51") {
    jpeg.SetLossless(false);
    jpeg.SetQuality(95);
    change.SetUserCodec(&jpeg);
  } else if (syntax_uid == "1.2.840.10008.1.2.4.91") {
    jpeg_2000.SetReversible(false);
    jpeg_2000.SetRate(0, 4);
    change.SetUserCodec(&jpeg_2000);
  }
  if (!change.Change()) throw std::runtime_error("GDCM cannot transcode to " + syntax_uid);
  gdcm::ImageWriter writer;
  writer.SetFile(reader.GetFile());
  writer.SetImage(change.GetOutput());
  std::ostringstream output;
  writer.SetStream(output);
  if (!writer.Write()) throw std::runtime_error("GDCM cannot write the transcoded fixture");
  const std::string bytes = output.str();
  return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace engine::data::testing
