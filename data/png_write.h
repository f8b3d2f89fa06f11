// Writing 8-bit gray PNG files through stb_image_write, for phantoms and test fixtures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "data/image.h"

namespace engine::data {

// The PNG file bytes of an 8-bit gray image. Throws std::invalid_argument for other bit depths
// (stb_image_write writes 8-bit samples only).
std::vector<std::uint8_t> encode_png(const Image& image);
// Writes encode_png(image) to `file`; throws DataError naming the file when writing fails.
void write_png(const std::filesystem::path& file, const Image& image);

}  // namespace engine::data
