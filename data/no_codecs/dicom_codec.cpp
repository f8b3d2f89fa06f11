// data/dicom_codec.h in a build without GDCM (ENGINE_DICOM_CODECS=OFF, e.g. the portable GPU
// bundle): uncompressed DICOM still reads; a compressed file is refused, naming its transfer
// syntax and why, never decoded some other way.
#include "data/dicom_codec.h"

#include "data/error.h"

namespace engine::data::dicom {

std::vector<std::uint8_t> decode_frame(const ParsedFile& file, const PixelLayout&,
                                       const std::string& source) {
  throw DataError(source + ": DICOM " + file.syntax.name +
                  " pixel data cannot be decoded: this build has no DICOM codecs (configured "
                  "with ENGINE_DICOM_CODECS=OFF); uncompressed DICOM is read");
}

std::string gdcm_version() { return "none (built without the DICOM codecs)"; }

}  // namespace engine::data::dicom
