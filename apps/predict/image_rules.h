// The sanity rules that stop predict_app from estimating sex on something that is not plausibly
// a hand radiograph. A network answers for any input; an examiner must not get a confident
// "male" for a thumbnail, a scanned page or a binary mask. The rules are deliberately loose
// (they catch the wrong kind of file, not poor radiographs):
//   - the short side has at least 64 pixels (train_app's smallest input is 64; below that the
//     image carries less detail than the network was trained on);
//   - the long side has at most 8,000 pixels (the largest detector plates are about 4,300);
//   - the aspect ratio long / short is at most 4 (hand radiographs are about 1:1.2 to 1:1.5;
//     4 leaves room for a long forearm view, not for a strip or a panorama);
//   - a PNG has 8 or 16 bits per sample (1-, 2- and 4-bit PNGs are line art or masks; the
//     decoder would silently widen them);
//   - the image is not a single gray value (a blank or failed exposure);
//   - a DICOM file's Body Part Examined, when present, names a hand (contains HAND);
//   - a DICOM file's laterality (Image Laterality, else Laterality) is not R (a right hand: hand
//     radiographs for skeletal assessment are taken of the left hand by convention, and the
//     training radiographs are left hands) nor B (both hands in one image), and the two
//     attributes do not disagree.
// --allow-unusual-images lets an examiner override them; the output then records which rule was
// broken and that it was overridden.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "data/dicom.h"
#include "data/image.h"
#include "util/json.h"

namespace engine::apps {

struct ImageRules {
  int minimum_short_side = 64;
  int maximum_long_side = 8000;
  double maximum_aspect_ratio = 4.0;

  // From the header alone, before decoding: size and aspect ratio. The reason, or nothing.
  std::optional<std::string> check_size(std::uint32_t width, std::uint32_t height) const;
  // The PNG's declared bit depth (IHDR), or nothing for a JPEG (always 8 bits).
  std::optional<std::string> check_bit_depth(std::span<const std::uint8_t> bytes) const;
  // After decoding: not one gray value.
  std::optional<std::string> check_content(const data::Image& image) const;
  // A DICOM file's body part and laterality.
  std::optional<std::string> check_dicom(const data::DicomInfo& info) const;

  Json to_json() const;
};

}  // namespace engine::apps
