#include "data/decode.h"

#include <stb_image.h>

#include <cctype>
#include <climits>
#include <memory>

#include "data/dicom.h"
#include "data/error.h"
#include "data/file.h"
#include "data/format_check.h"

namespace engine::data {

namespace {

struct StbFree {
  void operator()(void* pixels) const { stbi_image_free(pixels); }
};

// stb_image's failure reasons are terse ("bad zlib"); this says which step failed and keeps
// stb's own word for it.
[[noreturn]] void fail_decode(const std::string& source, const std::string& step) {
  const char* reason = stbi_failure_reason();
  throw DataError(source + ": " + step + " (stb_image: " + (reason ? reason : "no reason given") +
                  ")");
}

// ITU-R BT.601 luma with integer weights that sum to 1000, rounded to nearest.
template <typename Sample>
std::uint32_t luma(const Sample* rgb) {
  return (299u * rgb[0] + 587u * rgb[1] + 114u * rgb[2] + 500u) / 1000u;
}

// Compositing on black: value * alpha / max, rounded to nearest.
std::uint32_t over_black(std::uint32_t value, std::uint32_t alpha, std::uint32_t max) {
  return (value * alpha + max / 2) / max;
}

template <typename Sample>
void to_gray(const Sample* samples, int channels, std::uint32_t max, Image& image) {
  const std::size_t count = image.pixels.size();
  for (std::size_t i = 0; i < count; ++i) {
    const Sample* pixel = samples + i * static_cast<std::size_t>(channels);
    std::uint32_t gray = 0;
    switch (channels) {
      case 1: gray = pixel[0]; break;
      case 2: gray = over_black(pixel[0], pixel[1], max); break;
      case 3: gray = luma(pixel); break;
      case 4: gray = over_black(luma(pixel), pixel[3], max); break;
    }
    image.pixels[i] = static_cast<std::uint16_t>(gray);
  }
}

}  // namespace

FloatImage to_unit_range(const Image& image) {
  FloatImage result(image.width, image.height);
  const float scale = static_cast<float>(1.0 / image.max_value());
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    result.pixels[i] = static_cast<float>(image.pixels[i]) * scale;
  }
  return result;
}

const char* dicom_window_name(DicomWindow window) {
  return window == DicomWindow::None ? "none" : "file";
}

bool has_image_extension(const std::filesystem::path& file) {
  std::string extension = file.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".dcm";
}

Image decode_image(std::span<const std::uint8_t> bytes, const std::string& source,
                   const DecodeLimits& limits, DicomWindow window) {
  if (bytes.empty()) throw DataError(source + ": file is empty");
  if (detect_format(bytes, source) == ImageFormat::Dicom) {
    return decode_dicom(bytes, source, limits, window);
  }
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw DataError(source + ": file is larger than 2 GiB, more than any radiograph needs");
  }
  const ImageHeader header = inspect_image(bytes, source);
  if (header.width == 0 || header.height == 0) {
    throw DataError(source + ": image has zero width or height (" + std::to_string(header.width) +
                    " x " + std::to_string(header.height) + ")");
  }
  // Unsigned 64 bits hold the product of any two 32-bit sizes (a signed product overflowed on a
  // forged 4294967295 x 4294967139 header, found by fuzzing).
  const std::uint64_t pixel_count = std::uint64_t{header.width} * std::uint64_t{header.height};
  if (limits.max_pixels < 0 || pixel_count > static_cast<std::uint64_t>(limits.max_pixels)) {
    throw DataError(source + ": image is " + std::to_string(header.width) + " x " +
                    std::to_string(header.height) + " = " + std::to_string(pixel_count) +
                    " pixels, above the limit of " + std::to_string(limits.max_pixels) +
                    " (a corrupt header, or not a radiograph)");
  }
  // stb_image must agree with the header it is about to decode.
  const int length = static_cast<int>(bytes.size());
  int width = 0, height = 0, file_channels = 0;
  if (!stbi_info_from_memory(bytes.data(), length, &width, &height, &file_channels)) {
    fail_decode(source, "cannot read the image header");
  }
  if (static_cast<std::uint32_t>(width) != header.width ||
      static_cast<std::uint32_t>(height) != header.height) {
    throw DataError(source + ": stb_image reads " + std::to_string(width) + " x " +
                    std::to_string(height) + " from a header that declares " +
                    std::to_string(header.width) + " x " + std::to_string(header.height));
  }

  Image image;
  image.bit_depth = stbi_is_16_bit_from_memory(bytes.data(), length) ? 16 : 8;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<std::size_t>(pixel_count));  // at most max_pixels
  int decoded_width = 0, decoded_height = 0, channels = 0;
  const auto check_agreement = [&] {
    if (decoded_width != width || decoded_height != height || channels < 1 || channels > 4) {
      throw DataError(source + ": decoder disagrees with the header (" + std::to_string(width) +
                      " x " + std::to_string(height) + " in the header, " +
                      std::to_string(decoded_width) + " x " + std::to_string(decoded_height) +
                      " x " + std::to_string(channels) + " decoded)");
    }
  };
  if (image.bit_depth == 16) {
    std::unique_ptr<std::uint16_t, StbFree> samples(stbi_load_16_from_memory(
        bytes.data(), length, &decoded_width, &decoded_height, &channels, 0));
    if (!samples) fail_decode(source, "corrupt or truncated image data");
    check_agreement();
    to_gray(samples.get(), channels, 65535u, image);
    image.had_alpha = channels == 2 || channels == 4;
  } else {
    std::unique_ptr<std::uint8_t, StbFree> samples(
        stbi_load_from_memory(bytes.data(), length, &decoded_width, &decoded_height, &channels, 0));
    if (!samples) fail_decode(source, "corrupt or truncated image data");
    check_agreement();
    to_gray(samples.get(), channels, 255u, image);
    image.had_alpha = channels == 2 || channels == 4;
  }
  return image;
}

Image read_image(const std::filesystem::path& file, const DecodeLimits& limits,
                 DicomWindow window) {
  return decode_image(read_file_bytes(file), file.string(), limits, window);
}

}  // namespace engine::data
