// Test images made by the tests themselves: PNG files of every colour type and bit depth built
// byte by byte (stb_image_write only writes 8-bit PNGs without a palette), JPEGs through
// stb_image_write, and temporary folders that remove themselves.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace engine::data::testing {

enum class PngColour : std::uint8_t { Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6 };

struct PngSpec {
  int width = 0;
  int height = 0;
  int bit_depth = 8;
  PngColour colour = PngColour::Gray;
  // Samples row by row, without filter bytes: 8-bit samples one byte each, 16-bit samples two
  // bytes big-endian, sub-byte depths already packed.
  std::vector<std::uint8_t> samples;
  std::vector<std::uint8_t> palette;       // RGB triples, for PngColour::Palette
  std::vector<std::uint8_t> transparency;  // tRNS chunk contents, if any
};

// A valid PNG: IHDR, optional PLTE and tRNS, one IDAT holding a zlib stream of stored (not
// compressed) blocks, IEND; every chunk with its CRC-32.
std::vector<std::uint8_t> make_png(const PngSpec& spec);

// A chunk with a correct CRC, for building broken files.
std::vector<std::uint8_t> png_chunk(const char* type, const std::vector<std::uint8_t>& data);
std::vector<std::uint8_t> png_header_chunk(std::uint32_t width, std::uint32_t height, int bit_depth,
                                           PngColour colour);

// A JPEG of 8-bit samples with 1 or 3 channels through stb_image_write at quality 100.
std::vector<std::uint8_t> make_jpeg(int width, int height, int channels,
                                    const std::vector<std::uint8_t>& samples);

// 16-bit values as big-endian bytes.
std::vector<std::uint8_t> big_endian_samples(const std::vector<std::uint16_t>& values);

// A fresh folder under the system's temporary folder, removed with everything in it on
// destruction.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(const std::string& name);
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void write_bytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes);
void write_text(const std::filesystem::path& file, const std::string& text);

}  // namespace engine::data::testing
