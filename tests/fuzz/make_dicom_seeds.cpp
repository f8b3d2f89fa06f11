// Writes the seed corpus of fuzz_dicom (tests/fuzz/corpus/dicom): small DICOM files of every
// supported transfer syntax and pixel rule, made by the tests' own writer and GDCM's encoders.
//   build-fuzz/tests/fuzz/make_dicom_seeds tests/fuzz/corpus/dicom
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/data/dicom_fixtures.h"

namespace testing = engine::data::testing;
using testing::dicom_tag;
using testing::dicom_text;

namespace {

testing::DicomSpec gradient(int bits_stored, bool is_signed = false) {
  testing::DicomSpec spec;
  spec.rows = 24;
  spec.columns = 32;
  spec.bits_allocated = bits_stored > 8 ? 16 : 8;
  spec.bits_stored = bits_stored;
  spec.high_bit = bits_stored - 1;
  spec.is_signed = is_signed;
  const int top = (1 << bits_stored) - 1;
  for (int i = 0; i < spec.rows * spec.columns; ++i) {
    const int value = (i * 37) % (top + 1);
    spec.values.push_back(is_signed ? value - (top + 1) / 2 : value);
  }
  return spec;
}

void write(const std::filesystem::path& folder, const std::string& name,
           const std::vector<std::uint8_t>& bytes) {
  std::ofstream(folder / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_dicom_seeds FOLDER\n");
    return 2;
  }
  const std::filesystem::path folder = argv[1];
  std::filesystem::create_directories(folder);
  testing::DicomSpec spec = gradient(12);
  spec.syntax = testing::DicomSyntax::ImplicitLittle;
  write(folder, "implicit12.dcm", testing::make_dicom(spec));
  spec.syntax = testing::DicomSyntax::ExplicitBig;
  spec.photometric = "MONOCHROME1";
  write(folder, "big_monochrome1.dcm", testing::make_dicom(spec));
  spec = gradient(16, true);
  spec.extra[dicom_tag(0x0028, 0x1050)] = dicom_text("DS", "0\\100");
  spec.extra[dicom_tag(0x0028, 0x1051)] = dicom_text("DS", "2000\\50");
  spec.extra[dicom_tag(0x0028, 0x1053)] = dicom_text("DS", "2");
  write(folder, "signed_window.dcm", testing::make_dicom(spec));
  spec = gradient(12);
  testing::DicomElements item;
  item[dicom_tag(0x0028, 0x3002)] = testing::dicom_words("US", {4, 0, 12});
  item[dicom_tag(0x0028, 0x3006)] = testing::dicom_words("OW", {1, 2, 3, 4});
  spec.extra[dicom_tag(0x0028, 0x3010)] = testing::dicom_sequence({item});
  write(folder, "voi_lut.dcm", testing::make_dicom(spec));
  const std::vector<std::uint8_t> eight = testing::make_dicom(gradient(8));
  const std::vector<std::uint8_t> twelve = testing::make_dicom(gradient(12));
  write(folder, "explicit8.dcm", eight);
  write(folder, "jpeg_baseline8.dcm", testing::transcode_dicom(eight, "1.2.840.10008.1.2.4.50"));
  write(folder, "jpeg_extended12.dcm", testing::transcode_dicom(twelve, "1.2.840.10008.1.2.4.51"));
  write(folder, "jpeg_lossless12.dcm", testing::transcode_dicom(twelve, "1.2.840.10008.1.2.4.57"));
  write(folder, "jpeg_lossless_sv1_16.dcm",
        testing::transcode_dicom(testing::make_dicom(gradient(16)), "1.2.840.10008.1.2.4.70"));
  write(folder, "j2k_lossless12.dcm", testing::transcode_dicom(twelve, "1.2.840.10008.1.2.4.90"));
  write(folder, "j2k_lossy8.dcm", testing::transcode_dicom(eight, "1.2.840.10008.1.2.4.91"));
  return 0;
}
