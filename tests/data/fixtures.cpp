#include "fixtures.h"

#include <stb_image_write.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

#include "data/format_check.h"

namespace engine::data::testing {

namespace {

void append_word(std::vector<std::uint8_t>& bytes, std::uint32_t word) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<std::uint8_t>(word >> shift));
}

int channels_of(PngColour colour) {
  switch (colour) {
    case PngColour::Gray: return 1;
    case PngColour::Rgb: return 3;
    case PngColour::Palette: return 1;
    case PngColour::GrayAlpha: return 2;
    case PngColour::Rgba: return 4;
  }
  return 1;
}

// zlib (RFC 1950) around stored deflate blocks (RFC 1951, section 3.2.4).
std::vector<std::uint8_t> zlib_stored(const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> stream = {0x78, 0x01};
  std::size_t position = 0;
  do {
    const std::size_t length = std::min<std::size_t>(65535, data.size() - position);
    const bool last = position + length == data.size();
    stream.push_back(last ? 1 : 0);
    stream.push_back(static_cast<std::uint8_t>(length));
    stream.push_back(static_cast<std::uint8_t>(length >> 8));
    stream.push_back(static_cast<std::uint8_t>(~length));
    stream.push_back(static_cast<std::uint8_t>(~length >> 8));
    stream.insert(stream.end(), data.begin() + static_cast<std::ptrdiff_t>(position),
                  data.begin() + static_cast<std::ptrdiff_t>(position + length));
    position += length;
  } while (position < data.size());
  std::uint32_t a = 1, b = 0;  // Adler-32
  for (const std::uint8_t byte : data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  append_word(stream, (b << 16) | a);
  return stream;
}

void append(std::vector<std::uint8_t>& bytes, const std::vector<std::uint8_t>& more) {
  bytes.insert(bytes.end(), more.begin(), more.end());
}

}  // namespace

std::vector<std::uint8_t> png_chunk(const char* type, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> chunk;
  append_word(chunk, static_cast<std::uint32_t>(data.size()));
  std::vector<std::uint8_t> typed(type, type + 4);
  typed.insert(typed.end(), data.begin(), data.end());
  append(chunk, typed);
  append_word(chunk, crc32(typed));
  return chunk;
}

std::vector<std::uint8_t> png_header_chunk(std::uint32_t width, std::uint32_t height, int bit_depth,
                                           PngColour colour) {
  std::vector<std::uint8_t> data;
  append_word(data, width);
  append_word(data, height);
  data.push_back(static_cast<std::uint8_t>(bit_depth));
  data.push_back(static_cast<std::uint8_t>(colour));
  data.push_back(0);  // deflate
  data.push_back(0);  // adaptive filtering
  data.push_back(0);  // not interlaced
  return png_chunk("IHDR", data);
}

std::vector<std::uint8_t> make_png(const PngSpec& spec) {
  const std::size_t row_bits =
      static_cast<std::size_t>(spec.width) * channels_of(spec.colour) * spec.bit_depth;
  const std::size_t row_bytes = (row_bits + 7) / 8;
  if (spec.samples.size() != row_bytes * static_cast<std::size_t>(spec.height)) {
    throw std::invalid_argument("make_png: sample bytes do not match the size");
  }
  std::vector<std::uint8_t> filtered;  // filter type 0 (none) before each row
  for (int y = 0; y < spec.height; ++y) {
    filtered.push_back(0);
    const auto row = spec.samples.begin() + static_cast<std::ptrdiff_t>(y * row_bytes);
    filtered.insert(filtered.end(), row, row + static_cast<std::ptrdiff_t>(row_bytes));
  }
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  append(png,
         png_header_chunk(static_cast<std::uint32_t>(spec.width),
                          static_cast<std::uint32_t>(spec.height), spec.bit_depth, spec.colour));
  if (!spec.palette.empty()) append(png, png_chunk("PLTE", spec.palette));
  if (!spec.transparency.empty()) append(png, png_chunk("tRNS", spec.transparency));
  append(png, png_chunk("IDAT", zlib_stored(filtered)));
  append(png, png_chunk("IEND", {}));
  return png;
}

std::vector<std::uint8_t> make_jpeg(int width, int height, int channels,
                                    const std::vector<std::uint8_t>& samples) {
  std::vector<std::uint8_t> bytes;
  const auto append_bytes = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    out->insert(out->end(), static_cast<std::uint8_t*>(data),
                static_cast<std::uint8_t*>(data) + size);
  };
  if (!stbi_write_jpg_to_func(append_bytes, &bytes, width, height, channels, samples.data(), 100)) {
    throw std::runtime_error("make_jpeg: stb_image_write failed");
  }
  return bytes;
}

std::vector<std::uint8_t> big_endian_samples(const std::vector<std::uint16_t>& values) {
  std::vector<std::uint8_t> bytes;
  for (const std::uint16_t value : values) {
    bytes.push_back(static_cast<std::uint8_t>(value >> 8));
    bytes.push_back(static_cast<std::uint8_t>(value));
  }
  return bytes;
}

TemporaryFolder::TemporaryFolder(const std::string& name) {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("engine_data_test_" + name + "_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void write_bytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  std::ofstream stream(file, std::ios::binary);
  stream.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  if (!stream) throw std::runtime_error("cannot write test file " + file.string());
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  write_bytes(file, std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace engine::data::testing
