// Bad DICOM files: each gets a DataError that names the file and the problem (the attribute, its
// tag, the byte), never a crash, a silent partial image or a library's message on stderr.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "data/decode.h"
#include "data/dicom.h"
#include "data/error.h"
#include "dicom_fixtures.h"

namespace data = engine::data;
using data::testing::dicom_tag;
using data::testing::dicom_text;
using data::testing::dicom_us;
using data::testing::DicomNode;
using data::testing::DicomSpec;

namespace {

DicomSpec small() {
  DicomSpec spec;
  spec.rows = 2;
  spec.columns = 4;
  spec.values = {0, 1, 2, 3, 4, 5, 6, 7};
  return spec;
}

std::string error_of(const std::vector<std::uint8_t>& bytes, const std::string& name = "bad.dcm") {
  try {
    data::decode_image(bytes, name);
  } catch (const data::DataError& error) {
    return error.what();
  }
  return "no error";
}

std::string error_of(const DicomSpec& spec) { return error_of(data::testing::make_dicom(spec)); }

}  // namespace

TEST_CASE("dicom errors: every truncation of a valid file is an error naming the file") {
  const std::vector<std::uint8_t> native = data::testing::make_dicom(small());
  const std::vector<std::uint8_t> jpeg =
      data::testing::transcode_dicom(native, "1.2.840.10008.1.2.4.70");
  for (const std::vector<std::uint8_t>* file : {&native, &jpeg}) {
    for (std::size_t length = 1; length < file->size(); ++length) {
      CAPTURE(length);
      const std::string error =
          error_of(std::vector<std::uint8_t>(file->begin(), file->begin() + length));
      CHECK(error.starts_with("bad.dcm: "));
    }
  }
  const std::size_t pixels = data::testing::dicom_pixel_data_offset(native);
  CHECK(error_of({native.begin(), native.begin() + pixels + 3}) ==
        "bad.dcm: DICOM file is truncated: element (7FE0,0010)'s declared length of 16 needs 16 "
        "bytes, the file ends at byte " +
            std::to_string(pixels + 3) + " (at byte " + std::to_string(pixels) + ")");
  CHECK(error_of({native.begin(), native.begin() + pixels - 12}) ==
        "bad.dcm: DICOM file has no Pixel Data (7FE0,0010)");
  CHECK(
      error_of({native.begin(), native.begin() + 100})
          .starts_with("bad.dcm: not a DICOM Part 10 file (no \"DICM\" after a 128-byte preamble"));
}

TEST_CASE("dicom errors: wrong value lengths and values name the attribute") {
  DicomSpec spec = small();
  spec.extra[dicom_tag(0x0028, 0x0010)] = data::testing::dicom_words("US", {2, 0});
  CHECK(error_of(spec).starts_with(
      "bad.dcm: DICOM Rows (0028,0010) is 4 bytes long; a US value is 2 bytes (value at byte "));
  spec = small();
  spec.extra[dicom_tag(0x0028, 0x0011)] = dicom_text("DS", "4");
  CHECK(error_of(spec).starts_with("bad.dcm: DICOM Columns (0028,0011) has VR DS, expected US"));
  spec = small();
  spec.extra.erase(dicom_tag(0x0028, 0x0010));
  spec.extra[dicom_tag(0x0028, 0x0010)] = data::testing::dicom_words("US", {});
  CHECK(
      error_of(spec).starts_with("bad.dcm: DICOM Rows (0028,0010) is missing or empty (value at "
                                 "byte "));
  spec = small();
  spec.extra[dicom_tag(0x0028, 0x1050)] = dicom_text("DS", "abc");
  spec.extra[dicom_tag(0x0028, 0x1051)] = dicom_text("DS", "10");
  CHECK(error_of(spec).starts_with(
      "bad.dcm: DICOM Window Center (0028,1050) holds 'abc', not a decimal number"));
  spec.extra[dicom_tag(0x0028, 0x1050)] = dicom_text("DS", "5");
  spec.extra[dicom_tag(0x0028, 0x1051)] = dicom_text("DS", "0.5");
  CHECK(error_of(spec).starts_with(
      "bad.dcm: DICOM Window Width (0028,1051) is 0.500000, too small for a LINEAR window"));
  spec = small();
  spec.extra[dicom_tag(0x0028, 0x1053)] = dicom_text("DS", "0");
  CHECK(
      error_of(spec).starts_with("bad.dcm: DICOM Rescale Slope (0028,1053) and Rescale "
                                 "Intercept must be single numbers, the slope not 0"));
  std::vector<std::uint8_t> file = data::testing::make_dicom(small());
  const std::size_t pixels = data::testing::dicom_pixel_data_offset(file);
  file[pixels - 8] = 'o';  // the VR of Pixel Data
  CHECK(error_of(file) ==
        "bad.dcm: DICOM element (7FE0,0010) has no valid value representation "
        "(at byte " +
            std::to_string(pixels - 12) + ")");
}

TEST_CASE("dicom errors: pixel data shorter or longer than Rows x Columns need") {
  DicomSpec spec = small();
  spec.rows = 3;  // 12 pixels declared, 8 stored
  std::vector<std::uint8_t> file = data::testing::make_dicom(spec);
  CHECK(error_of(file) == "bad.dcm: DICOM Pixel Data (7FE0,0010) at byte " +
                              std::to_string(data::testing::dicom_pixel_data_offset(file)) +
                              " holds 16 bytes; 3 rows x 4 columns at 16 bits allocated need 24");
  spec.rows = 1;
  CHECK(
      error_of(spec).ends_with("holds 16 bytes; 1 rows x 4 columns at 16 bits allocated need 8 "
                               "(more frames than Number of Frames says?)"));
}

TEST_CASE("dicom errors: absurd or zero dimensions are refused before any pixel is read") {
  DicomSpec spec = small();
  spec.extra[dicom_tag(0x0028, 0x0010)] = dicom_us(65535);
  spec.extra[dicom_tag(0x0028, 0x0011)] = dicom_us(65535);
  CHECK(error_of(spec) ==
        "bad.dcm: image is 65535 x 65535 = 4294836225 pixels, above the limit "
        "of 50000000 (a corrupt header, or not a radiograph)");
  spec.extra[dicom_tag(0x0028, 0x0010)] = dicom_us(0);
  CHECK(error_of(spec) == "bad.dcm: image has zero width or height (65535 x 0)");
}

TEST_CASE("dicom errors: colour, several frames and unsupported pixel descriptions") {
  DicomSpec spec = small();
  spec.photometric = "RGB";
  spec.extra[dicom_tag(0x0028, 0x0002)] = dicom_us(3);
  CHECK(error_of(spec) ==
        "bad.dcm: DICOM colour image (Photometric Interpretation RGB, 3 "
        "sample(s) per pixel) is not supported: the engine reads gray "
        "radiographs, MONOCHROME1 or MONOCHROME2 with one sample per pixel");
  for (const char* colour : {"PALETTE COLOR", "YBR_FULL"}) {
    spec = small();
    spec.photometric = colour;
    CHECK(error_of(spec).starts_with("bad.dcm: DICOM colour image (Photometric Interpretation " +
                                     std::string(colour) + ", 1 sample(s) per pixel)"));
  }
  spec = small();
  spec.extra[dicom_tag(0x0028, 0x0008)] = dicom_text("IS", "2");
  CHECK(error_of(spec) ==
        "bad.dcm: DICOM multi-frame image (2 frames) is not supported: one "
        "radiograph per file");
  spec = small();
  spec.bits_allocated = 32;
  CHECK(error_of(spec) == "bad.dcm: DICOM Bits Allocated 32 is not supported (8 or 16)");
  spec = small();
  spec.extra[dicom_tag(0x0028, 0x0102)] = dicom_us(16);
  CHECK(error_of(spec) ==
        "bad.dcm: DICOM pixel description is inconsistent (Bits Allocated 16, "
        "Bits Stored 16, High Bit 16, Pixel Representation 0)");
  spec = small();
  spec.extra[dicom_tag(0x0028, 0x3000)] =
      data::testing::dicom_sequence({data::testing::DicomElements{}});
  CHECK(error_of(spec) ==
        "bad.dcm: DICOM Modality LUT Sequence (0028,3000) is present; only "
        "Rescale Slope/Intercept is supported as the modality transform");
  spec = small();
  spec.extra[dicom_tag(0x2050, 0x0020)] = dicom_text("CS", "INVERSE");
  CHECK(error_of(spec).starts_with(
      "bad.dcm: DICOM Presentation LUT Shape (2050,0020) INVERSE on a MONOCHROME2 image is not "
      "supported"));
}

TEST_CASE("dicom: an icon's compressed pixel data inside a sequence item is walked past") {
  DicomSpec spec = small();
  DicomNode icon_pixels;
  icon_pixels.vr = "OB";
  icon_pixels.fragments = {{0xFF, 0xD8, 0xFF, 0xD9}};
  data::testing::DicomElements icon;
  icon[dicom_tag(0x7FE0, 0x0010)] = icon_pixels;
  spec.extra[dicom_tag(0x0088, 0x0200)] = data::testing::dicom_sequence({icon});
  for (const auto syntax :
       {data::testing::DicomSyntax::ExplicitLittle, data::testing::DicomSyntax::ImplicitLittle}) {
    spec.syntax = syntax;
    CHECK(data::decode_image(data::testing::make_dicom(spec), "icon.dcm").pixels ==
          std::vector<std::uint16_t>{0, 1, 2, 3, 4, 5, 6, 7});
  }
}

TEST_CASE("dicom errors: a top-level element twice is refused") {
  std::vector<std::uint8_t> file = data::testing::make_dicom(small());
  const std::size_t pixels = data::testing::dicom_pixel_data_offset(file);
  const std::vector<std::uint8_t> element(file.begin() + pixels - 12, file.end());
  file.insert(file.end(), element.begin(), element.end());
  CHECK(error_of(file) ==
        "bad.dcm: DICOM element (7FE0,0010) appears twice in the data set (at "
        "byte " +
            std::to_string(file.size() - element.size()) + ")");
}

TEST_CASE("dicom errors: structure: nesting, delimiters, encapsulation, a missing preamble") {
  DicomSpec spec = small();
  DicomNode nested = data::testing::dicom_sequence({});
  for (int depth = 0; depth < 20; ++depth) {
    nested = data::testing::dicom_sequence(
        {data::testing::DicomElements{{dicom_tag(0x0040, 0xA730), nested}}});
  }
  spec.extra[dicom_tag(0x0040, 0xA730)] = nested;
  CHECK(error_of(spec).starts_with("bad.dcm: DICOM sequences are nested too deeply"));

  spec = small();
  spec.encapsulated_syntax_uid = "1.2.840.10008.1.2.1";
  spec.fragments = {{1, 2}};
  CHECK(error_of(spec) ==
        "bad.dcm: DICOM Pixel Data is encapsulated but the transfer syntax is "
        "Explicit VR Little Endian");
  CHECK(error_of(std::vector<std::uint8_t>(132, 0), "x.dcm") ==
        "x.dcm: not a DICOM Part 10 file (no \"DICM\" after a 128-byte preamble; a bare data set "
        "without file meta information is not read)");
}
