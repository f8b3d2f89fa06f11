// DICOM radiographs (CR, DX) read to the engine's gray Image, with the metadata an examiner needs.
//
// Supported: one frame, one sample per pixel, MONOCHROME1 or MONOCHROME2, 8 or 16 bits allocated
// with any Bits Stored and High Bit, unsigned or signed; transfer syntaxes implicit and explicit
// VR little endian, explicit VR big endian, JPEG baseline (8 bits) and extended (12 bits), JPEG
// lossless (processes 14 and 14 SV1) and JPEG 2000 (lossless and lossy). Refused with a message
// naming what was found: other transfer syntaxes (JPEG-LS, RLE, deflate, MPEG, HTJ2K, ...), colour
// (RGB, YBR, PALETTE COLOR), several frames, a Modality LUT Sequence, and MONOCHROME2 with an
// INVERSE Presentation LUT Shape. How the values become gray is in data/dicom_pixels.h; with
// DicomWindow::None the VOI LUT and window in the file are ignored and the full stored range is
// used.
//
// Patient-identifying attributes (name, ID, birth date, ...) are never read: DicomInfo holds only
// what describes the image, so nothing that identifies a person can reach an output or a log.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/decode.h"
#include "data/image.h"
#include "util/json.h"

namespace engine::data {

struct DicomInfo {
  std::string transfer_syntax_uid, transfer_syntax;  // UID and name
  bool transfer_syntax_lossy = false;                // a compression that may discard information
  std::string lossy_image_compression;               // (0028,2110): "00", "01" or "" when absent
  std::string sop_class_uid, sop_instance_uid, modality;
  std::string photometric_interpretation;
  int bits_allocated = 0, bits_stored = 0, high_bit = 0;
  bool signed_samples = false;
  double rescale_slope = 1, rescale_intercept = 0;
  std::string voi;  // how the values became gray, in words (which VOI, or the full range and why)
  bool inverted = false;                                         // MONOCHROME1
  std::string body_part_examined, laterality, image_laterality;  // as in the file, "" if absent
  std::vector<double> pixel_spacing, imager_pixel_spacing;       // mm: row spacing, column spacing
};

// Every field, with null for what the file did not hold.
Json dicom_info_json(const DicomInfo& info);

// Decodes a DICOM file held in `bytes`; `source` names it in errors. The Image carries the
// DicomInfo. Throws DataError "<source>: DICOM ..." for every problem.
Image decode_dicom(std::span<const std::uint8_t> bytes, const std::string& source,
                   const DecodeLimits& limits, DicomWindow window);

// Rows and Columns, read without decoding the pixels (for the header checks before decoding).
struct DicomSize {
  std::uint32_t width = 0, height = 0;
};
DicomSize dicom_size(std::span<const std::uint8_t> bytes, const std::string& source);

}  // namespace engine::data
