#include "data/png_write.h"

#include <stb_image_write.h>

#include <stdexcept>
#include <string>

#include "data/file.h"

namespace engine::data {

namespace {

void append_bytes(void* context, void* data, int size) {
  auto* bytes = static_cast<std::vector<std::uint8_t>*>(context);
  const auto* begin = static_cast<const std::uint8_t*>(data);
  bytes->insert(bytes->end(), begin, begin + size);
}

}  // namespace

std::vector<std::uint8_t> encode_png(const Image& image) {
  if (image.bit_depth != 8) {
    throw std::invalid_argument("encode_png: only 8-bit images can be written, this one has " +
                                std::to_string(image.bit_depth) + " bits");
  }
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height) {
    throw std::invalid_argument("encode_png: image size and pixel count disagree");
  }
  std::vector<std::uint8_t> samples(image.pixels.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (image.pixels[i] > 255) throw std::invalid_argument("encode_png: sample above 255");
    samples[i] = static_cast<std::uint8_t>(image.pixels[i]);
  }
  std::vector<std::uint8_t> bytes;
  if (!stbi_write_png_to_func(append_bytes, &bytes, image.width, image.height, 1, samples.data(),
                              image.width)) {
    throw std::runtime_error("encode_png: stb_image_write failed");
  }
  return bytes;
}

void write_png(const std::filesystem::path& file, const Image& image) {
  write_file_bytes(file, encode_png(image));
}

}  // namespace engine::data
