#include "apps/predict/image_rules.h"

#include <algorithm>

namespace engine::apps {

std::optional<std::string> ImageRules::check_size(std::uint32_t width, std::uint32_t height) const {
  const std::uint32_t short_side = std::min(width, height);
  const std::uint32_t long_side = std::max(width, height);
  const std::string size = std::to_string(width) + " x " + std::to_string(height) + " pixels";
  if (short_side < static_cast<std::uint32_t>(minimum_short_side)) {
    return size + ": the short side is below " + std::to_string(minimum_short_side) +
           " pixels, too small for a hand radiograph";
  }
  if (long_side > static_cast<std::uint32_t>(maximum_long_side)) {
    return size + ": the long side is above " + std::to_string(maximum_long_side) +
           " pixels, larger than any radiograph detector";
  }
  if (static_cast<double>(long_side) > maximum_aspect_ratio * static_cast<double>(short_side)) {
    return size + ": the aspect ratio is beyond 1:" +
           std::to_string(static_cast<int>(maximum_aspect_ratio)) +
           ", not the shape of a hand radiograph";
  }
  return std::nullopt;
}

std::optional<std::string> ImageRules::check_bit_depth(std::span<const std::uint8_t> bytes) const {
  // PNG: 8-byte signature, then the IHDR chunk (length, type, width, height, bit depth, ...):
  // the bit depth is byte 24. data::inspect_image has already checked the structure.
  static constexpr std::uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (bytes.size() < 25 || !std::equal(png_signature, png_signature + 8, bytes.begin())) {
    return std::nullopt;
  }
  const int bit_depth = bytes[24];
  if (bit_depth == 8 || bit_depth == 16) return std::nullopt;
  return "a " + std::to_string(bit_depth) +
         "-bit PNG: radiographs have 8 or 16 bits per sample (this is line art or a mask)";
}

std::optional<std::string> ImageRules::check_content(const data::Image& image) const {
  const auto [low, high] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  if (low != image.pixels.end() && *low == *high) {
    return "every pixel has the gray value " + std::to_string(*low) +
           ": a blank image, not a radiograph";
  }
  return std::nullopt;
}

std::optional<std::string> ImageRules::check_dicom(const data::DicomInfo& info) const {
  const std::string& body_part = info.body_part_examined;
  if (!body_part.empty() && body_part.find("HAND") == std::string::npos) {
    return "DICOM Body Part Examined is " + body_part + ", not a hand";
  }
  if (!info.image_laterality.empty() && !info.laterality.empty() &&
      info.image_laterality != info.laterality) {
    return "DICOM Image Laterality " + info.image_laterality + " and Laterality " +
           info.laterality + " disagree";
  }
  const bool from_image = !info.image_laterality.empty();
  const std::string& side = from_image ? info.image_laterality : info.laterality;
  const std::string attribute = from_image ? "Image Laterality" : "Laterality";
  if (side == "R") {
    return "a right hand (DICOM " + attribute +
           " R): the model is meant for left-hand radiographs, the convention its training "
           "data follow";
  }
  if (side == "B") return "both hands in one image (DICOM " + attribute + " B)";
  return std::nullopt;
}

Json ImageRules::to_json() const {
  Json json = Json::object();
  json.set("minimum_short_side", Json(minimum_short_side));
  json.set("maximum_long_side", Json(maximum_long_side));
  json.set("maximum_aspect_ratio", Json(maximum_aspect_ratio));
  json.set("png_bit_depths", Json("8 or 16"));
  json.set("single_gray_value", Json("rejected"));
  json.set("dicom_body_part_examined", Json("when present, must contain HAND"));
  json.set("dicom_laterality",
           Json("Image Laterality, else Laterality: R (right hand) and B (both) are rejected, "
                "as are the two disagreeing"));
  return json;
}

}  // namespace engine::apps
