// The one place the engine calls GDCM: decoding the compressed frame of an encapsulated DICOM
// file (JPEG baseline/extended/lossless through GDCM's IJG-derived libraries, JPEG 2000 through
// OpenJPEG). Our own parser (dicom_parse.h) has already checked the file's structure; before a
// codec runs, the codestream's own header is checked here too (size, components, precision,
// JPEG 2000 tiling), so that a codestream that disagrees with the DICOM attributes, or asks the
// codec for an absurd allocation, is refused with a message instead of reaching the codec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dicom_parse.h"
#include "data/dicom_pixels.h"

namespace engine::data::dicom {

// The frame's samples: rows x columns words of bits_allocated / 8 bytes, little endian.
// Throws DataError "<source>: DICOM <syntax name> ..." when the codestream is refused or the
// codec fails.
std::vector<std::uint8_t> decode_frame(const ParsedFile& file, const PixelLayout& layout,
                                       const std::string& source);

// GDCM's version, for run records.
std::string gdcm_version();

}  // namespace engine::data::dicom
