// Decoding every PNG flavour and JPEG to gray, and every kind of bad file to a clear error.
// The fixtures are built by the tests (fixtures.h), so the expected values are known exactly.
#include "data/decode.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "data/error.h"
#include "data/format_check.h"
#include "fixtures.h"

namespace data = engine::data;
using data::testing::PngColour;
using data::testing::PngSpec;

namespace {

data::Image decode(const std::vector<std::uint8_t>& bytes) {
  return data::decode_image(bytes, "fixture.png");
}

std::string error_of(const std::vector<std::uint8_t>& bytes,
                     const data::DecodeLimits& limits = data::DecodeLimits()) {
  try {
    data::decode_image(bytes, "bad.img", limits);
  } catch (const data::DataError& error) {
    return error.what();
  }
  return "no error";
}

std::vector<std::uint16_t> pixels(std::initializer_list<int> values) {
  return std::vector<std::uint16_t>(values.begin(), values.end());
}

}  // namespace

TEST_CASE("crc32 of the standard check string") {
  const std::string check = "123456789";
  CHECK(data::crc32({reinterpret_cast<const std::uint8_t*>(check.data()), check.size()}) ==
        0xCBF43926u);
}

TEST_CASE("png: 8-bit and 16-bit gray keep their samples and bit depth") {
  const data::Image gray8 = decode(
      data::testing::make_png(PngSpec{3, 2, 8, PngColour::Gray, {0, 1, 2, 128, 254, 255}, {}, {}}));
  CHECK(gray8.width == 3);
  CHECK(gray8.height == 2);
  CHECK(gray8.bit_depth == 8);
  CHECK(gray8.pixels == pixels({0, 1, 2, 128, 254, 255}));
  CHECK(gray8.at(1, 1) == 254);

  const std::vector<std::uint16_t> deep = {0, 1, 256, 4095, 65534, 65535};
  const data::Image gray16 = decode(data::testing::make_png(
      PngSpec{2, 3, 16, PngColour::Gray, data::testing::big_endian_samples(deep), {}, {}}));
  CHECK(gray16.bit_depth == 16);
  CHECK(gray16.pixels == deep);
  const data::FloatImage unit = data::to_unit_range(gray16);
  CHECK(unit.pixels[5] == 1.0f);
  CHECK(unit.pixels[3] == doctest::Approx(4095.0 / 65535.0).epsilon(1e-7));
}

TEST_CASE("png: 1-bit gray is widened to 8 bits") {
  // Row of 8 pixels packed in one byte: 1,0,1,0,0,0,0,1.
  const data::Image image =
      decode(data::testing::make_png(PngSpec{8, 1, 1, PngColour::Gray, {0b10100001}, {}, {}}));
  CHECK(image.bit_depth == 8);
  CHECK(image.pixels == pixels({255, 0, 255, 0, 0, 0, 0, 255}));
}

TEST_CASE("png: RGB becomes BT.601 luma, rounded to nearest") {
  // Y = (299 R + 587 G + 114 B + 500) / 1000.
  const data::Image image = decode(data::testing::make_png(
      PngSpec{4, 1, 8, PngColour::Rgb, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30}, {}, {}}));
  CHECK(image.pixels == pixels({76, 150, 29, 18}));

  const std::vector<std::uint16_t> rgb16 = {65535, 0, 0, 1000, 2000, 3000};
  const data::Image deep = decode(data::testing::make_png(
      PngSpec{2, 1, 16, PngColour::Rgb, data::testing::big_endian_samples(rgb16), {}, {}}));
  CHECK(deep.bit_depth == 16);
  CHECK(deep.pixels == pixels({19595, 1815}));
}

TEST_CASE("png: alpha is composited on black") {
  // gray * alpha / 255 rounded: 200 * 255 / 255, 200 * 128 / 255 = 100.39, 200 * 0 / 255.
  const data::Image gray_alpha = decode(data::testing::make_png(
      PngSpec{3, 1, 8, PngColour::GrayAlpha, {200, 255, 200, 128, 200, 0}, {}, {}}));
  CHECK(gray_alpha.pixels == pixels({200, 100, 0}));

  const std::vector<std::uint16_t> samples = {40000, 32768, 40000, 65535};
  const data::Image deep = decode(data::testing::make_png(
      PngSpec{2, 1, 16, PngColour::GrayAlpha, data::testing::big_endian_samples(samples), {}, {}}));
  CHECK(deep.bit_depth == 16);
  CHECK(deep.pixels == pixels({20000, 40000}));  // 40000 * 32768 / 65535 = 20000.3

  // RGBA: luma first, then alpha. Luma of (10, 20, 30) is 18; at alpha 51 that is 3.6 -> 4.
  const data::Image rgba = decode(data::testing::make_png(
      PngSpec{2, 1, 8, PngColour::Rgba, {10, 20, 30, 255, 10, 20, 30, 51}, {}, {}}));
  CHECK(rgba.pixels == pixels({18, 4}));
}

TEST_CASE("png: palette images come out as the gray of their palette colours") {
  const std::vector<std::uint8_t> palette = {0, 0, 0, 255, 255, 255, 255, 0, 0};
  const data::Image image = decode(
      data::testing::make_png(PngSpec{4, 1, 8, PngColour::Palette, {0, 1, 2, 1}, palette, {}}));
  CHECK(image.bit_depth == 8);
  CHECK(image.pixels == pixels({0, 255, 76, 255}));

  // With transparency (tRNS): entry 1 half transparent, entry 2 fully.
  const data::Image transparent = decode(data::testing::make_png(
      PngSpec{3, 1, 8, PngColour::Palette, {0, 1, 2}, palette, {255, 128, 0}}));
  CHECK(transparent.pixels == pixels({0, 128, 0}));
}

TEST_CASE("jpeg: gray and colour decode close to their samples") {
  std::vector<std::uint8_t> gray(16 * 16), colour(16 * 16 * 3);
  for (int i = 0; i < 256; ++i) {
    gray[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i < 128 ? 60 : 190);
    for (int c = 0; c < 3; ++c) colour[static_cast<std::size_t>(3 * i + c)] = 120;
  }
  const data::Image from_gray =
      data::decode_image(data::testing::make_jpeg(16, 16, 1, gray), "g.jpg");
  CHECK(from_gray.width == 16);
  CHECK(from_gray.bit_depth == 8);
  for (std::size_t i = 0; i < gray.size(); ++i) {
    CHECK(std::abs(int(from_gray.pixels[i]) - int(gray[i])) <= 6);
  }
  const data::Image from_colour =
      data::decode_image(data::testing::make_jpeg(16, 16, 3, colour), "c.jpg");
  for (const std::uint16_t value : from_colour.pixels) CHECK(std::abs(int(value) - 120) <= 2);
}

TEST_CASE("bad files: missing, empty, not an image, truncated, corrupt, zero and absurd sizes") {
  data::testing::TemporaryFolder folder("decode");
  const std::string missing = (folder.path() / "missing.png").string();
  CHECK_THROWS_WITH_AS(data::read_image(missing), (missing + ": file not found").c_str(),
                       data::DataError);
  const auto empty = folder.path() / "empty.png";
  data::testing::write_bytes(empty, {});
  CHECK_THROWS_WITH_AS(data::read_image(empty), (empty.string() + ": file is empty").c_str(),
                       data::DataError);
  CHECK_THROWS_WITH_AS(data::read_image(folder.path()),
                       (folder.path().string() + ": not a regular file").c_str(), data::DataError);

  CHECK(error_of({'B', 'M', 0, 0, 0, 0}) ==
        "bad.img: not a PNG, JPEG or DICOM file (its first bytes are neither the PNG signature "
        "nor a JPEG start-of-image marker, and it has no \"DICM\" at byte 128)");
  CHECK(error_of({'h', 'e', 'l', 'l', 'o'}).find("not a PNG, JPEG or DICOM file") !=
        std::string::npos);

  std::vector<std::uint8_t> samples(20 * 20, 100);
  const std::vector<std::uint8_t> good =
      data::testing::make_png(PngSpec{20, 20, 8, PngColour::Gray, samples, {}, {}});
  CHECK(error_of(std::vector<std::uint8_t>(good.begin(), good.begin() + 8)) ==
        "bad.img: PNG is truncated (it ends at byte 8 without an IEND chunk)");
  CHECK(error_of(std::vector<std::uint8_t>(good.begin(), good.begin() + 200)) ==
        "bad.img: PNG is truncated (chunk IDAT at byte 33 declares 431 bytes, the file ends "
        "sooner)");
  CHECK(error_of(std::vector<std::uint8_t>(good.begin(), good.end() - 12)) ==
        "bad.img: PNG is truncated (it ends at byte " + std::to_string(good.size() - 12) +
            " without an IEND chunk)");
  std::vector<std::uint8_t> flipped = good;
  flipped[100] ^= 0x01;  // a sample inside IDAT
  CHECK(error_of(flipped) ==
        "bad.img: PNG chunk IDAT at byte 33 has a wrong CRC-32 (the file is corrupt)");

  // Zero width, with a valid CRC so that only the size is wrong.
  std::vector<std::uint8_t> zero = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  const auto append = [](std::vector<std::uint8_t>& to, const std::vector<std::uint8_t>& more) {
    to.insert(to.end(), more.begin(), more.end());
  };
  append(zero, data::testing::png_header_chunk(0, 10, 8, PngColour::Gray));
  append(zero, data::testing::png_chunk("IEND", {}));
  CHECK(error_of(zero) == "bad.img: image has zero width or height (0 x 10)");

  // 60000 x 60000 declared in a valid header: rejected before any pixel is decoded.
  std::vector<std::uint8_t> huge = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  append(huge, data::testing::png_header_chunk(60000, 60000, 8, PngColour::Gray));
  append(huge,
         data::testing::png_chunk("IDAT", {0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1}));
  append(huge, data::testing::png_chunk("IEND", {}));
  CHECK(error_of(huge) ==
        "bad.img: image is 60000 x 60000 = 3600000000 pixels, above the limit of 50000000 (a "
        "corrupt header, or not a radiograph)");
  // Sizes near 2^32 on both sides: the pixel count must not overflow (a fuzzing find).
  std::vector<std::uint8_t> vast = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  append(vast, data::testing::png_header_chunk(0xFFFFFFFFu, 0xFFFFFF63u, 8, PngColour::Gray));
  append(vast, data::testing::png_chunk("IEND", {}));
  CHECK(error_of(vast) ==
        "bad.img: image is 4294967295 x 4294967139 = 18446743395104719005 pixels, above the "
        "limit of 50000000 (a corrupt header, or not a radiograph)");
  CHECK(error_of(good, data::DecodeLimits{399}) ==
        "bad.img: image is 20 x 20 = 400 pixels, above the limit of 399 (a corrupt header, or "
        "not a radiograph)");

  // Valid chunks whose compressed data is not a zlib stream: stb_image's own error, named.
  std::vector<std::uint8_t> garbage = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  append(garbage, data::testing::png_header_chunk(4, 4, 8, PngColour::Gray));
  append(garbage, data::testing::png_chunk("IDAT", {0x12, 0x34, 0x56, 0x78, 0x9a}));
  append(garbage, data::testing::png_chunk("IEND", {}));
  CHECK(error_of(garbage).rfind("bad.img: corrupt or truncated image data (stb_image: ", 0) == 0);

  std::vector<std::uint8_t> noise(64 * 64);
  for (std::size_t i = 0; i < noise.size(); ++i)
    noise[i] = static_cast<std::uint8_t>(i * 7919 % 251);
  const std::vector<std::uint8_t> jpeg = data::testing::make_jpeg(64, 64, 1, noise);
  CHECK(error_of(std::vector<std::uint8_t>(jpeg.begin(), jpeg.begin() + jpeg.size() * 6 / 10)) ==
        "bad.img: JPEG is truncated (no end-of-image marker after its last scan)");
  CHECK(error_of(std::vector<std::uint8_t>(jpeg.begin(), jpeg.begin() + 20)) ==
        "bad.img: JPEG has no image data (no start-of-scan marker)");
  // Huffman code counts summing past 256 would make stb_image 2.27 write past its tables; the
  // structure check refuses them (a fuzzing find, kept under tests/fuzz/corpus/image).
  std::vector<std::uint8_t> overfull = jpeg;
  for (std::size_t i = 2; i + 21 < overfull.size(); ++i) {
    if (overfull[i] == 0xFF && overfull[i + 1] == 0xC4) {
      overfull[i + 20] = 255;  // the count of 16-bit codes in the first table
      overfull[i + 19] = 255;
      break;
    }
  }
  CHECK(error_of(overfull).find("codes (at most 256 exist)") != std::string::npos);
  // A scan naming a Huffman table that was never defined would make stb_image 2.27 read
  // uninitialised tables (a fuzzing find).
  std::vector<std::uint8_t> undefined = jpeg;
  for (std::size_t i = 2; i + 7 < undefined.size(); ++i) {
    if (undefined[i] == 0xFF && undefined[i + 1] == 0xDA) {
      undefined[i + 6] = 0x33;  // first component: DC table 3, AC table 3
      break;
    }
  }
  CHECK(error_of(undefined).find("uses a Huffman table that was never defined") !=
        std::string::npos);
  // A frame header declaring 65535 x 65535 is refused before decoding.
  std::vector<std::uint8_t> wide = jpeg;
  for (std::size_t i = 2; i + 9 < wide.size(); ++i) {
    if (wide[i] == 0xFF && wide[i + 1] == 0xC0) {
      wide[i + 5] = wide[i + 6] = wide[i + 7] = wide[i + 8] = 0xFF;
      break;
    }
  }
  CHECK(error_of(wide) ==
        "bad.img: image is 65535 x 65535 = 4294836225 pixels, above the limit of 50000000 (a "
        "corrupt header, or not a radiograph)");
}

TEST_CASE("read_image reads a file and names it in errors") {
  data::testing::TemporaryFolder folder("read_image");
  const auto file = folder.path() / "ok.png";
  data::testing::write_bytes(
      file, data::testing::make_png(PngSpec{2, 1, 8, PngColour::Gray, {5, 6}, {}, {}}));
  CHECK(data::read_image(file).pixels == pixels({5, 6}));
  const auto text = folder.path() / "notes.png";
  data::testing::write_text(text, "not an image");
  CHECK_THROWS_WITH_AS(
      data::read_image(text),
      (text.string() + ": not a PNG, JPEG or DICOM file (its first bytes are neither the "
                       "PNG signature nor a JPEG start-of-image marker, and it has no \"DICM\" at "
                       "byte 128)")
          .c_str(),
      data::DataError);
}
