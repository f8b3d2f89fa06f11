// A DICOM made from a PNG (the same samples, MONOCHROME2, no VOI) gives the very pixels the PNG
// gives after preprocessing, with and without CLAHE, uncompressed and through lossless JPEG and
// JPEG 2000: reading DICOM adds no scaling, rounding or inversion of its own.
#include <doctest/doctest.h>

#include <vector>

#include "data/cache.h"
#include "data/decode.h"
#include "data/phantom.h"
#include "data/png_write.h"
#include "dicom_fixtures.h"
#include "fixtures.h"

namespace data = engine::data;

namespace {

void check_same_preprocessing(const std::vector<std::uint8_t>& png) {
  const data::Image from_png = data::decode_image(png, "hand.png");
  const std::vector<std::uint8_t> native =
      data::testing::make_dicom(data::testing::dicom_spec_of(from_png));
  for (const char* syntax : {"", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90"}) {
    CAPTURE(std::string(syntax));
    const std::vector<std::uint8_t> dicom =
        *syntax ? data::testing::transcode_dicom(native, syntax) : native;
    const data::Image from_dicom = data::decode_image(dicom, "hand.dcm");
    CHECK(from_dicom.bit_depth == from_png.bit_depth);
    CHECK(from_dicom.pixels == from_png.pixels);
    for (const bool clahe : {false, true}) {
      data::PreprocessConfig config;
      config.side = 64;
      config.use_clahe = clahe;
      CHECK(data::preprocess(from_dicom, config).pixels ==
            data::preprocess(from_png, config).pixels);
    }
  }
}

}  // namespace

TEST_CASE("dicom round trip: an 8-bit PNG phantom and its DICOM preprocess identically") {
  const data::Image phantom = data::phantom_image(7, 3, 96);
  check_same_preprocessing(data::encode_png(phantom));
}

TEST_CASE("dicom round trip: a 16-bit PNG and its DICOM preprocess identically") {
  std::vector<std::uint16_t> samples;
  for (int i = 0; i < 80 * 72; ++i)
    samples.push_back(static_cast<std::uint16_t>((i * 977) % 65536));
  check_same_preprocessing(
      data::testing::make_png(data::testing::PngSpec{80,
                                                     72,
                                                     16,
                                                     data::testing::PngColour::Gray,
                                                     data::testing::big_endian_samples(samples),
                                                     {},
                                                     {}}));
}
