// Fuzzes the DICOM reader: our structural walk (data/dicom_parse.cpp), the attribute reading, the
// codestream checks before GDCM's JPEG and JPEG 2000 codecs, and the pixel pipeline (stored
// values, rescale, VOI LUT or window, inversion). Every input is decoded with the file's VOI and
// with --dicom-window none.
// Properties checked: DataError is the only exception; a decoded image has width * height
// samples, a bit depth of 1 to 16, every sample within it, and carries its DicomInfo.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "data/decode.h"
#include "data/dicom.h"
#include "data/error.h"
#include "tests/fuzz/property.h"

namespace data = engine::data;

namespace {

using engine::fuzz::require;

void decode_and_check(const std::vector<std::uint8_t>& bytes, data::DicomWindow window) {
  try {
    // A limit well below the default keeps each run's memory within libFuzzer's budget.
    const data::Image image =
        data::decode_dicom(bytes, "fuzz.dcm", data::DecodeLimits{4'000'000}, window);
    require(image.width > 0 && image.height > 0, "a decoded image has a size");
    require(image.pixels.size() == static_cast<std::size_t>(image.width) * image.height,
            "one sample per pixel");
    require(image.bit_depth >= 1 && image.bit_depth <= 16, "bit depth is 1 to 16");
    for (const std::uint16_t value : image.pixels) {
      require(value <= image.max_value(), "samples fit the bit depth");
    }
    require(image.dicom != nullptr, "a DICOM image carries its DicomInfo");
    data::dicom_info_json(*image.dicom).dump();
  } catch (const data::DataError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::vector<std::uint8_t> input(bytes, bytes + size);
  decode_and_check(input, data::DicomWindow::File);
  decode_and_check(input, data::DicomWindow::None);
  return 0;
}
