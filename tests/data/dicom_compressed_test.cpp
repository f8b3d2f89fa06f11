// Compressed DICOM: lossless JPEG and JPEG 2000 give the stored values exactly, lossy JPEG and
// JPEG 2000 give them within a few levels; transfer syntaxes the engine does not decode are
// refused by name; a codestream that disagrees with the DICOM attributes never reaches a codec.
// The compressed files are made by GDCM's encoders from files of our own writer.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "data/decode.h"
#include "data/dicom.h"
#include "data/dicom_parse.h"
#include "data/error.h"
#include "dicom_fixtures.h"
#include "fixtures.h"

namespace data = engine::data;
using data::testing::DicomSpec;

namespace {

// A smooth 40 x 32 gradient with a bright "bone" block: something a codec can compress.
DicomSpec gradient(int bits_stored, bool is_signed = false, int columns = 40, int rows = 32) {
  DicomSpec spec;
  spec.rows = rows;
  spec.columns = columns;
  spec.bits_allocated = bits_stored > 8 ? 16 : 8;
  spec.bits_stored = bits_stored;
  spec.high_bit = bits_stored - 1;
  spec.is_signed = is_signed;
  const int top = (1 << bits_stored) - 1;
  for (int y = 0; y < spec.rows; ++y) {
    for (int x = 0; x < spec.columns; ++x) {
      int value = (x * 13 + y * 7) * top / ((columns - 1) * 13 + (rows - 1) * 7);
      if (x > 10 && x < 20 && y > 8 && y < 24) value = top - (x + y);
      spec.values.push_back(is_signed ? value - (top + 1) / 2 : value);
    }
  }
  return spec;
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
  try {
    data::decode_image(bytes, "bad.dcm");
  } catch (const data::DataError& error) {
    return error.what();
  }
  return "no error";
}

// The one codestream of a compressed file (its fragments joined).
std::vector<std::uint8_t> codestream(const std::vector<std::uint8_t>& file) {
  std::vector<std::uint8_t> joined;
  for (const auto fragment : data::dicom::parse(file, "made.dcm").fragments) {
    joined.insert(joined.end(), fragment.begin(), fragment.end());
  }
  return joined;
}

const char* const baseline = "1.2.840.10008.1.2.4.50";

int largest_difference(const data::Image& a, const data::Image& b) {
  int largest = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    largest = std::max(largest, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return largest;
}

}  // namespace

TEST_CASE("dicom: JPEG lossless (14 and 14 SV1) and JPEG 2000 lossless give the stored values") {
  for (const int bits : {8, 12, 16}) {
    const std::vector<std::uint8_t> native = data::testing::make_dicom(gradient(bits));
    const data::Image expected = data::decode_image(native, "native.dcm");
    for (const char* uid :
         {"1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90"}) {
      CAPTURE(bits);
      CAPTURE(std::string(uid));
      const data::Image image =
          data::decode_image(data::testing::transcode_dicom(native, uid), "compressed.dcm");
      CHECK(image.bit_depth == bits);
      CHECK(image.pixels == expected.pixels);
      CHECK(image.dicom->transfer_syntax_uid == uid);
      CHECK(!image.dicom->transfer_syntax_lossy);
    }
  }
}

TEST_CASE("dicom: signed samples through JPEG lossless and JPEG 2000") {
  const std::vector<std::uint8_t> native = data::testing::make_dicom(gradient(12, true));
  const data::Image expected = data::decode_image(native, "native.dcm");
  for (const char* uid : {"1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90"}) {
    CAPTURE(std::string(uid));
    CHECK(data::decode_image(data::testing::transcode_dicom(native, uid), "c.dcm").pixels ==
          expected.pixels);
  }
}

TEST_CASE("dicom: lossy JPEG baseline (8 bits), extended (12 bits) and JPEG 2000 stay close") {
  struct Case {
    int bits;
    const char* uid;
  };
  for (const Case c : {Case{8, "1.2.840.10008.1.2.4.50"}, Case{12, "1.2.840.10008.1.2.4.51"},
                       Case{12, "1.2.840.10008.1.2.4.91"}}) {
    CAPTURE(std::string(c.uid));
    const std::vector<std::uint8_t> native = data::testing::make_dicom(gradient(c.bits));
    const data::Image expected = data::decode_image(native, "native.dcm");
    const data::Image image =
        data::decode_image(data::testing::transcode_dicom(native, c.uid), "lossy.dcm");
    CHECK(image.bit_depth == c.bits);
    // Within 4% of the range: lossy, but the same picture (a codec that mixed up rows or bytes
    // would be off by most of the range).
    CHECK(largest_difference(image, expected) <= (1 << c.bits) / 25);
    CHECK(largest_difference(image, expected) > 0);  // the fixture really is lossy
    CHECK(image.dicom->transfer_syntax_lossy);
  }
}

TEST_CASE("dicom: JPEG-LS, RLE and deflate are refused by name") {
  const std::vector<std::uint8_t> native = data::testing::make_dicom(gradient(12));
  CHECK(error_of(data::testing::transcode_dicom(native, "1.2.840.10008.1.2.4.80")) ==
        "bad.dcm: DICOM transfer syntax JPEG-LS Lossless (1.2.840.10008.1.2.4.80) is not "
        "supported; supported are uncompressed little and big endian, JPEG baseline, extended "
        "and lossless, and JPEG 2000");
  CHECK(error_of(data::testing::transcode_dicom(native, "1.2.840.10008.1.2.5"))
            .starts_with("bad.dcm: DICOM transfer syntax RLE Lossless (1.2.840.10008.1.2.5) is "
                         "not supported"));
  DicomSpec deflated = gradient(8);
  deflated.fragments = {{1, 2}};
  deflated.encapsulated_syntax_uid = "1.2.840.10008.1.2.1.99";
  CHECK(error_of(data::testing::make_dicom(deflated))
            .starts_with("bad.dcm: DICOM transfer syntax Deflated Explicit VR Little Endian"));
  deflated.encapsulated_syntax_uid = "1.2.3.4";
  CHECK(error_of(data::testing::make_dicom(deflated))
            .starts_with("bad.dcm: DICOM transfer syntax unknown transfer syntax (1.2.3.4)"));
}

TEST_CASE("dicom: a JPEG frame split over several fragments decodes") {
  const std::vector<std::uint8_t> whole =
      data::testing::transcode_dicom(data::testing::make_dicom(gradient(8)), baseline);
  const std::vector<std::uint8_t> jpeg = codestream(whole);
  DicomSpec spec = gradient(8);
  const std::size_t half = jpeg.size() / 2 & ~std::size_t{1};
  spec.fragments = {{jpeg.begin(), jpeg.begin() + half}, {jpeg.begin() + half, jpeg.end()}};
  spec.encapsulated_syntax_uid = baseline;
  CHECK(data::decode_image(data::testing::make_dicom(spec), "split.dcm").pixels ==
        data::decode_image(whole, "whole.dcm").pixels);
}

TEST_CASE("dicom: a codestream that disagrees with Rows/Columns or is not one is refused") {
  DicomSpec spec = gradient(8);
  spec.encapsulated_syntax_uid = baseline;
  spec.fragments = {codestream(
      data::testing::transcode_dicom(data::testing::make_dicom(gradient(8, false, 20)), baseline))};
  CHECK(error_of(data::testing::make_dicom(spec)) ==
        "bad.dcm: DICOM JPEG Baseline (Process 1) pixel data is 20 x 32 but Columns x Rows is "
        "40 x 32");
  spec.fragments = {data::testing::make_jpeg(40, 32, 3, std::vector<std::uint8_t>(40 * 32 * 3))};
  CHECK(error_of(data::testing::make_dicom(spec)) ==
        "bad.dcm: DICOM JPEG Baseline (Process 1) pixel data has 3 components; a gray "
        "radiograph has 1");
  spec.fragments = {{0xFF, 0xD8, 0xFF, 0xDB, 0, 4}};
  CHECK(error_of(data::testing::make_dicom(spec))
            .starts_with(
                "bad.dcm: DICOM JPEG Baseline (Process 1) pixel data: JPEG has no image data"));
  spec.encapsulated_syntax_uid = "1.2.840.10008.1.2.4.90";
  CHECK(error_of(data::testing::make_dicom(spec)) ==
        "bad.dcm: DICOM JPEG 2000 Image Compression (Lossless Only) pixel data: not a JPEG 2000 "
        "codestream (no SOC and SIZ markers at its start; a JP2 file wrapper is not allowed in "
        "DICOM)");
  // A real JPEG 2000 codestream whose SIZ is then forged to one-pixel tiles.
  std::vector<std::uint8_t> j2k = data::testing::transcode_dicom(
      data::testing::make_dicom(gradient(8, false, 300, 256)), "1.2.840.10008.1.2.4.90");
  const std::size_t soc = [&] {
    for (std::size_t i = 132; i + 1 < j2k.size(); ++i)
      if (j2k[i] == 0xFF && j2k[i + 1] == 0x4F && j2k[i + 2] == 0xFF && j2k[i + 3] == 0x51)
        return i;
    return std::size_t{0};
  }();
  REQUIRE(soc > 0);
  for (const std::size_t field : {24u, 28u}) {  // XTsiz and YTsiz, after SOC, SIZ marker and Lsiz
    j2k[soc + field] = j2k[soc + field + 1] = j2k[soc + field + 2] = 0;
    j2k[soc + field + 3] = 1;
  }
  CHECK(error_of(j2k) ==
        "bad.dcm: DICOM JPEG 2000 Image Compression (Lossless Only) pixel data: "
        "JPEG 2000 codestream has 76800 tiles (at most 65536 are accepted)");
}
