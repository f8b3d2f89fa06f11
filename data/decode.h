// Decoding PNG, JPEG and DICOM files to a gray Image: PNG and JPEG through stb_image, DICOM
// through data/dicom.h (a file with "DICM" after its 128-byte preamble; see that header for what
// is supported and how its values become gray).
//
// Accepted: PNG of every colour type (gray, gray+alpha, RGB, RGBA, palette) at 8 or 16 bits (1-,
// 2- and 4-bit gray are widened to 8 bits by stb_image), and baseline/progressive 8-bit JPEG.
// Other formats stb_image could read (BMP, GIF, TGA, ...) are compiled out and rejected, so what
// the engine accepts is exactly what is documented.
// Colour becomes gray with the ITU-R BT.601 luma weights, Y = 0.299 R + 0.587 G + 0.114 B,
// rounded to the nearest integer. Alpha is composited on black (value * alpha / max), because a
// transparent pixel holds no radiographic signal and a radiograph's background is black.
//
// Every failure is a DataError "<file>: <what>": a missing or empty file, a file that is not a
// PNG, JPEG or DICOM file, a truncated or corrupt one, zero width or height, or more pixels than
// the limit. The size is read from the header before anything is decoded, so a forged header cannot
// make the decoder allocate gigabytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "data/image.h"

namespace engine::data {

struct DecodeLimits {
  // 50 million pixels: a 16-bit RGBA decode of that size needs 400 MB. The largest radiographs
  // in use (4,280 x 3,520 detector images, 15 Mpx) fit with room to spare.
  std::int64_t max_pixels = 50'000'000;
};

// Whether a DICOM file's own VOI (VOI LUT Sequence, else Window Center/Width) maps its values to
// gray (File), or the full stored range does (None: train_app's and predict_app's
// --dicom-window none). No effect on PNG and JPEG.
enum class DicomWindow { File, None };
const char* dicom_window_name(DicomWindow window);  // "file" or "none"

// Said of every image whose alpha channel was composited on black (Image::had_alpha), in the
// programs' output, so that the conversion is never silent.
inline constexpr const char* alpha_composited_note =
    "the file has an alpha (transparency) channel: it was composited on black, so transparent "
    "pixels count as black";

// Decodes `bytes`; `source` names the file in errors.
Image decode_image(std::span<const std::uint8_t> bytes, const std::string& source,
                   const DecodeLimits& limits = {}, DicomWindow window = DicomWindow::File);
// Reads and decodes a file.
Image read_image(const std::filesystem::path& file, const DecodeLimits& limits = {},
                 DicomWindow window = DicomWindow::File);

// Whether a folder walk takes this file as an image: .png, .jpg, .jpeg or .dcm in any letter
// case (a DICOM file named otherwise is read when given by name or listed in a manifest).
bool has_image_extension(const std::filesystem::path& file);

}  // namespace engine::data
