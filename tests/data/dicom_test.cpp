// DICOM pixels: every supported byte order and bit layout gives the stored values exactly; the
// rescale, VOI (LUT, then window, else the full stored range) and MONOCHROME1 inversion follow
// PS3.3's grayscale pipeline, checked against values computed by hand.
#include "data/dicom.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data/decode.h"
#include "data/error.h"
#include "data/format_check.h"
#include "dicom_fixtures.h"

namespace data = engine::data;
using data::testing::dicom_tag;
using data::testing::dicom_text;
using data::testing::DicomNode;
using data::testing::DicomSpec;
using data::testing::DicomSyntax;

namespace {

data::Image decode(const std::vector<std::uint8_t>& bytes,
                   data::DicomWindow window = data::DicomWindow::File) {
  return data::decode_image(bytes, "fixture.dcm", {}, window);
}

// A 4 x 2 image of these stored values.
DicomSpec spec_of(std::vector<std::int32_t> values, int bits_allocated, int bits_stored,
                  bool is_signed = false) {
  DicomSpec spec;
  spec.rows = 2;
  spec.columns = static_cast<int>(values.size()) / 2;
  spec.bits_allocated = bits_allocated;
  spec.bits_stored = bits_stored;
  spec.high_bit = bits_stored - 1;
  spec.is_signed = is_signed;
  spec.values = std::move(values);
  return spec;
}

std::vector<std::uint16_t> as_pixels(const std::vector<std::int32_t>& values, int offset = 0) {
  std::vector<std::uint16_t> pixels;
  for (const std::int32_t value : values)
    pixels.push_back(static_cast<std::uint16_t>(value + offset));
  return pixels;
}

DicomNode decimal(const std::string& text) { return dicom_text("DS", text); }

}  // namespace

TEST_CASE("dicom: the three uncompressed transfer syntaxes give the stored 16-bit values") {
  const std::vector<std::int32_t> values = {0, 1, 255, 256, 4095, 32768, 65534, 65535};
  for (const DicomSyntax syntax :
       {DicomSyntax::ImplicitLittle, DicomSyntax::ExplicitLittle, DicomSyntax::ExplicitBig}) {
    DicomSpec spec = spec_of(values, 16, 16);
    spec.syntax = syntax;
    const data::Image image = decode(data::testing::make_dicom(spec));
    CHECK(image.width == 4);
    CHECK(image.height == 2);
    CHECK(image.bit_depth == 16);
    CHECK(image.pixels == as_pixels(values));
    REQUIRE(image.dicom);
    CHECK(image.dicom->voi == "full stored range (no VOI LUT or window in the file)");
  }
}

TEST_CASE("dicom: 8 bits allocated, as OB and as big-endian OW (bytes swapped in pairs)") {
  const std::vector<std::int32_t> values = {0, 1, 2, 3, 127, 128, 254, 255};
  for (const DicomSyntax syntax : {DicomSyntax::ExplicitLittle, DicomSyntax::ExplicitBig}) {
    const data::Image image = decode(data::testing::make_dicom([&] {
      DicomSpec spec = spec_of(values, 8, 8);
      spec.syntax = syntax;
      return spec;
    }()));
    CHECK(image.bit_depth == 8);
    CHECK(image.pixels == as_pixels(values));
  }
  // Big endian OW: each 16-bit word holds two 8-bit samples, the first in its low byte.
  DicomSpec spec = spec_of(values, 8, 8);
  spec.syntax = DicomSyntax::ExplicitBig;
  std::vector<std::uint8_t> file = data::testing::make_dicom(spec);
  const std::size_t offset = data::testing::dicom_pixel_data_offset(file);
  file[offset - 8] = 'O';
  file[offset - 7] = 'W';
  for (std::size_t i = 0; i < values.size(); i += 2)
    std::swap(file[offset + i], file[offset + i + 1]);
  CHECK(decode(file).pixels == as_pixels(values));
}

TEST_CASE("dicom: 12 bits stored at High Bit 11 or 15; other bits of the word are ignored") {
  const std::vector<std::int32_t> values = {0, 1, 2048, 4095, 100, 200, 300, 4000};
  DicomSpec low = spec_of(values, 16, 12);
  const data::Image image = decode(data::testing::make_dicom(low));
  CHECK(image.bit_depth == 12);
  CHECK(image.pixels == as_pixels(values));
  CHECK(data::to_unit_range(image).pixels[3] == 1.0f);

  DicomSpec high = low;
  high.high_bit = 15;  // stored in the upper 12 bits of each word
  CHECK(decode(data::testing::make_dicom(high)).pixels == as_pixels(values));

  std::vector<std::uint8_t> overlay = data::testing::make_dicom(low);
  const std::size_t offset = data::testing::dicom_pixel_data_offset(overlay);
  overlay[offset + 1] |= 0xF0;  // bits 12-15 of the first sample (little endian)
  CHECK(decode(overlay).pixels == as_pixels(values));
}

TEST_CASE("dicom: signed samples: the full stored range starts at -2^(n-1)") {
  const std::vector<std::int32_t> values = {-2048, -1, 0, 1, 2047, -1000, 1000, 5};
  for (const DicomSyntax syntax : {DicomSyntax::ExplicitLittle, DicomSyntax::ExplicitBig}) {
    DicomSpec spec = spec_of(values, 16, 12, true);
    spec.syntax = syntax;
    const data::Image image = decode(data::testing::make_dicom(spec));
    CHECK(image.bit_depth == 12);
    CHECK(image.pixels == as_pixels(values, 2048));
    CHECK(image.dicom->signed_samples);
  }
  const std::vector<std::int32_t> wide = {-32768, -1, 0, 32767, 1, 2, 3, 4};
  CHECK(decode(data::testing::make_dicom(spec_of(wide, 16, 16, true))).pixels ==
        as_pixels(wide, 32768));
}

TEST_CASE("dicom: MONOCHROME1 is inverted so that bone is bright") {
  const std::vector<std::int32_t> values = {0, 1, 2, 3, 250, 253, 254, 255};
  DicomSpec spec = spec_of(values, 8, 8);
  spec.photometric = "MONOCHROME1";
  const data::Image image = decode(data::testing::make_dicom(spec));
  CHECK(image.pixels == std::vector<std::uint16_t>{255, 254, 253, 252, 5, 2, 1, 0});
  CHECK(image.dicom->inverted);
  CHECK(image.dicom->photometric_interpretation == "MONOCHROME1");
}

TEST_CASE(
    "dicom: a negative rescale slope reverses the full range; the window is in rescaled units") {
  const std::vector<std::int32_t> values = {0, 1, 2, 3, 4092, 4093, 4094, 4095};
  DicomSpec reversed = spec_of(values, 16, 12);
  reversed.extra[dicom_tag(0x0028, 0x1053)] = decimal("-1");
  reversed.extra[dicom_tag(0x0028, 0x1052)] = decimal("4095");
  CHECK(decode(data::testing::make_dicom(reversed)).pixels ==
        std::vector<std::uint16_t>{4095, 4094, 4093, 4092, 3, 2, 1, 0});

  // Modality value x = 2 * stored - 1000; LINEAR window centre 0, width 2001: x <= -1000.5 is
  // black, x > 999.5 white, else ((x + 0.5) / 2000 + 0.5) * 65535.
  DicomSpec windowed = spec_of({0, 250, 500, 750, 1000, 499, 501, 2000}, 16, 12);
  windowed.extra[dicom_tag(0x0028, 0x1053)] = decimal("2");
  windowed.extra[dicom_tag(0x0028, 0x1052)] = decimal("-1000");
  windowed.extra[dicom_tag(0x0028, 0x1050)] = decimal("0\\100");
  windowed.extra[dicom_tag(0x0028, 0x1051)] = decimal("2001\\50");
  const data::Image image = decode(data::testing::make_dicom(windowed));
  const auto linear = [](double x) {
    if (x <= -1000.5) return 0L;
    if (x > 999.5) return 65535L;
    return std::lround(((x + 0.5) / 2000 + 0.5) * 65535);
  };
  std::vector<std::uint16_t> expected;
  for (const int stored : {0, 250, 500, 750, 1000, 499, 501, 2000}) {
    expected.push_back(static_cast<std::uint16_t>(linear(2.0 * stored - 1000)));
  }
  CHECK(image.bit_depth == 16);
  CHECK(image.pixels == expected);
  CHECK(image.pixels.front() == 16);  // x = -1000 is just inside the window
  CHECK(image.pixels[4] == 65535);
  CHECK(image.dicom->voi == "Window Center/Width 0/2001, LINEAR (pair 1 of 2)");
  CHECK(image.dicom->rescale_slope == 2.0);
  CHECK(image.dicom->rescale_intercept == -1000.0);
}

TEST_CASE("dicom: LINEAR_EXACT and SIGMOID windows") {
  DicomSpec spec = spec_of({0, 50, 100, 150, 200, 75, 125, 1}, 16, 16);
  spec.extra[dicom_tag(0x0028, 0x1050)] = decimal("100");
  spec.extra[dicom_tag(0x0028, 0x1051)] = decimal("100");
  spec.extra[dicom_tag(0x0028, 0x1056)] = dicom_text("CS", "LINEAR_EXACT");
  // x <= 50 black, x > 150 white, else ((x - 100) / 100 + 0.5) * 65535.
  CHECK(decode(data::testing::make_dicom(spec)).pixels ==
        std::vector<std::uint16_t>{0, 0, 32768, 65535, 65535, 16384, 49151, 0});
  spec.extra[dicom_tag(0x0028, 0x1056)] = dicom_text("CS", "SIGMOID");
  const data::Image sigmoid = decode(data::testing::make_dicom(spec));
  CHECK(sigmoid.pixels[2] == 32768);  // 65535 / 2 at the centre, rounded
  CHECK(sigmoid.pixels[0] == std::lround(65535.0 / (1 + std::exp(4.0))));
  CHECK(sigmoid.pixels[4] == std::lround(65535.0 / (1 + std::exp(-4.0))));
}

TEST_CASE("dicom: a VOI LUT Sequence wins over the window; --dicom-window none ignores both") {
  DicomSpec spec = spec_of({-5, -4, -3, -2, -1, 0, 100, -100}, 16, 16, true);
  data::testing::DicomElements item;
  DicomNode descriptor = data::testing::dicom_words("SS", {4, static_cast<std::uint16_t>(-4), 12});
  item[dicom_tag(0x0028, 0x3002)] = descriptor;
  item[dicom_tag(0x0028, 0x3003)] = dicom_text("LO", "BONE");
  item[dicom_tag(0x0028, 0x3006)] = data::testing::dicom_words("OW", {10, 20, 4000, 4095});
  spec.extra[dicom_tag(0x0028, 0x3010)] = data::testing::dicom_sequence({item});
  spec.extra[dicom_tag(0x0028, 0x1050)] = decimal("0");
  spec.extra[dicom_tag(0x0028, 0x1051)] = decimal("10");
  for (const DicomSyntax syntax :
       {DicomSyntax::ExplicitLittle, DicomSyntax::ExplicitBig, DicomSyntax::ImplicitLittle}) {
    spec.syntax = syntax;
    const std::vector<std::uint8_t> file = data::testing::make_dicom(spec);
    const data::Image image = decode(file);
    // Entries map -4, -3, -2, -1; values below and above are clamped to the first and last.
    CHECK(image.pixels == std::vector<std::uint16_t>{10, 10, 20, 4000, 4095, 4095, 4095, 10});
    CHECK(image.bit_depth == 12);
    CHECK(image.dicom->voi == "VOI LUT Sequence, LUT 1 of 1 ('BONE'): 4 entries from -4, 12 bits");

    const data::Image full = decode(file, data::DicomWindow::None);
    CHECK(full.bit_depth == 16);
    CHECK(full.pixels[5] == 32768);
    CHECK(full.dicom->voi ==
          "full stored range (--dicom-window none; the file's VOI LUT or window was ignored)");
  }
}

TEST_CASE("dicom: forensic metadata is reported; nothing identifying a person is read") {
  DicomSpec spec = spec_of({0, 1, 2, 3, 4, 5, 6, 7}, 8, 8);
  spec.extra[dicom_tag(0x0018, 0x0015)] = dicom_text("CS", "HAND");
  spec.extra[dicom_tag(0x0020, 0x0060)] = dicom_text("CS", "L");
  spec.extra[dicom_tag(0x0020, 0x0062)] = dicom_text("CS", "L");
  spec.extra[dicom_tag(0x0028, 0x0030)] = decimal("0.143\\0.15");
  spec.extra[dicom_tag(0x0018, 0x1164)] = decimal("0.1\\0.1");
  spec.extra[dicom_tag(0x0010, 0x0010)] = dicom_text("PN", "Doe^Jane");
  const data::Image image = decode(data::testing::make_dicom(spec));
  const data::DicomInfo& info = *image.dicom;
  CHECK(info.body_part_examined == "HAND");
  CHECK(info.laterality == "L");
  CHECK(info.image_laterality == "L");
  CHECK(info.pixel_spacing == std::vector<double>{0.143, 0.15});
  CHECK(info.imager_pixel_spacing == std::vector<double>{0.1, 0.1});
  CHECK(info.sop_instance_uid == "1.2.826.0.1.3680043.10.1234.1");
  CHECK(info.transfer_syntax == "Explicit VR Little Endian");
  const std::string json = data::dicom_info_json(info).dump();
  CHECK(json.find("Doe") == std::string::npos);
  CHECK(json.find("\"laterality\":\"L\"") != std::string::npos);
}

TEST_CASE("dicom: detection by the DICM preamble, whatever the name; inspect reads Rows/Columns") {
  const std::vector<std::uint8_t> file =
      data::testing::make_dicom(spec_of({0, 1, 2, 3, 4, 5, 6, 7}, 8, 8));
  CHECK(data::detect_format(file, "IM000001") == data::ImageFormat::Dicom);
  const data::ImageHeader header = data::inspect_image(file, "IM000001");
  CHECK(header.width == 4);
  CHECK(header.height == 2);
  CHECK(data::has_image_extension("a/B.DCM"));
  CHECK(!data::has_image_extension("a/IM000001"));
}
