// What the engine reports about a DICOM image, and how its values become gray (which rescale,
// which VOI, whether inverted). Which VOI wins when a file holds both a VOI LUT Sequence and
// Window Center/Width: the LUT. In CR and DX files the LUT is the device's own presentation curve,
// often non-linear, computed for that exposure; a window given beside it is typically a linear
// approximation of that curve for viewers that cannot apply a LUT. Of several LUTs or
// window pairs the first is used, the one the standard makes the default.
#include <cmath>
#include <cstdio>

#include "data/dicom_attributes.h"
#include "data/error.h"

namespace engine::data {

namespace {

Json optional_text(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json numbers(const std::vector<double>& values) {
  if (values.empty()) return Json(nullptr);
  Json array = Json::array();
  for (const double value : values) array.push_back(Json(value));
  return array;
}

}  // namespace

Json dicom_info_json(const DicomInfo& info) {
  Json json = Json::object();
  json.set("transfer_syntax_uid", Json(info.transfer_syntax_uid));
  json.set("transfer_syntax", Json(info.transfer_syntax));
  json.set("transfer_syntax_may_be_lossy", Json(info.transfer_syntax_lossy));
  json.set("lossy_image_compression", optional_text(info.lossy_image_compression));
  json.set("sop_class_uid", optional_text(info.sop_class_uid));
  json.set("sop_instance_uid", optional_text(info.sop_instance_uid));
  json.set("modality", optional_text(info.modality));
  json.set("photometric_interpretation", Json(info.photometric_interpretation));
  json.set("bits_allocated", Json(info.bits_allocated));
  json.set("bits_stored", Json(info.bits_stored));
  json.set("high_bit", Json(info.high_bit));
  json.set("signed_samples", Json(info.signed_samples));
  json.set("rescale_slope", Json(info.rescale_slope));
  json.set("rescale_intercept", Json(info.rescale_intercept));
  json.set("voi", Json(info.voi));
  json.set("inverted", Json(info.inverted));
  json.set("body_part_examined", optional_text(info.body_part_examined));
  json.set("laterality", optional_text(info.laterality));
  json.set("image_laterality", optional_text(info.image_laterality));
  json.set("pixel_spacing_mm", numbers(info.pixel_spacing));
  json.set("imager_pixel_spacing_mm", numbers(info.imager_pixel_spacing));
  return json;
}

namespace dicom {

DicomInfo Attributes::describe(const ParsedFile& file, const PixelLayout& layout) const {
  const auto safe = [&](std::uint32_t tag) { return printable(text(tag).value_or("")); };
  DicomInfo info;
  info.transfer_syntax_uid = file.syntax.uid;
  info.transfer_syntax = file.syntax.name;
  info.transfer_syntax_lossy = file.syntax.lossy;
  info.lossy_image_compression = safe(make_tag(0x0028, 0x2110));
  info.sop_class_uid = safe(make_tag(0x0008, 0x0016));
  info.sop_instance_uid = safe(make_tag(0x0008, 0x0018));
  info.modality = safe(make_tag(0x0008, 0x0060));
  info.photometric_interpretation = safe(make_tag(0x0028, 0x0004));
  info.bits_allocated = layout.bits_allocated;
  info.bits_stored = layout.bits_stored;
  info.high_bit = layout.high_bit;
  info.signed_samples = layout.is_signed;
  info.body_part_examined = safe(make_tag(0x0018, 0x0015));
  info.laterality = safe(make_tag(0x0020, 0x0060));
  info.image_laterality = safe(make_tag(0x0020, 0x0062));
  info.pixel_spacing = decimals(make_tag(0x0028, 0x0030));
  info.imager_pixel_spacing = decimals(make_tag(0x0018, 0x1164));
  return info;
}

Presentation Attributes::presentation(const PixelLayout& layout, DicomWindow window,
                                      DicomInfo& info) const {
  if (find(make_tag(0x0028, 0x3000), nullptr) != nullptr) {
    fail(make_tag(0x0028, 0x3000), nullptr,
         "is present; only Rescale Slope/Intercept is supported as the modality transform");
  }
  Presentation result;
  const std::vector<double> slope = decimals(make_tag(0x0028, 0x1053));
  const std::vector<double> intercept = decimals(make_tag(0x0028, 0x1052));
  if (slope.size() > 1 || intercept.size() > 1 || (!slope.empty() && slope[0] == 0)) {
    fail(make_tag(0x0028, 0x1053), find(make_tag(0x0028, 0x1053), nullptr),
         "and Rescale Intercept must be single numbers, the slope not 0");
  }
  if (!slope.empty()) result.slope = slope[0];
  if (!intercept.empty()) result.intercept = intercept[0];
  info.rescale_slope = result.slope;
  info.rescale_intercept = result.intercept;

  result.invert = info.photometric_interpretation == "MONOCHROME1";
  info.inverted = result.invert;
  const std::string shape = text(make_tag(0x2050, 0x0020)).value_or("");
  if (shape == "INVERSE" && !result.invert) {
    fail(make_tag(0x2050, 0x0020), find(make_tag(0x2050, 0x0020), nullptr),
         "INVERSE on a MONOCHROME2 image is not supported (the examiner would see it inverted)");
  }

  const bool file_has_voi = find(make_tag(0x0028, 0x3010), nullptr) != nullptr ||
                            find(make_tag(0x0028, 0x1050), nullptr) != nullptr;
  if (window == DicomWindow::None) {
    info.voi = std::string("full stored range (--dicom-window none") +
               (file_has_voi ? "; the file's VOI LUT or window was ignored)" : ")");
    return result;
  }
  std::string explanation;
  result.lut = voi_lut(layout, explanation);
  if (result.lut) {
    info.voi = explanation;
    return result;
  }
  const std::vector<double> centers = decimals(make_tag(0x0028, 0x1050));
  const std::vector<double> widths = decimals(make_tag(0x0028, 0x1051));
  if (centers.empty() && widths.empty()) {
    info.voi = "full stored range (no VOI LUT or window in the file)";
    return result;
  }
  if (centers.empty() || widths.empty()) {
    fail(make_tag(0x0028, 0x1050), nullptr, "and Window Width must both be present");
  }
  Window chosen{centers[0], widths[0], text(make_tag(0x0028, 0x1056)).value_or("LINEAR")};
  if (chosen.function.empty()) chosen.function = "LINEAR";
  if (chosen.function != "LINEAR" && chosen.function != "LINEAR_EXACT" &&
      chosen.function != "SIGMOID") {
    fail(make_tag(0x0028, 0x1056), find(make_tag(0x0028, 0x1056), nullptr),
         "'" + printable(chosen.function) + "' is not LINEAR, LINEAR_EXACT or SIGMOID");
  }
  if (chosen.function == "LINEAR" ? chosen.width < 1 : chosen.width <= 0) {
    fail(make_tag(0x0028, 0x1051), find(make_tag(0x0028, 0x1051), nullptr),
         "is " + std::to_string(chosen.width) + ", too small for a " + chosen.function + " window");
  }
  result.window = chosen;
  char text_buffer[160];
  std::snprintf(text_buffer, sizeof text_buffer, "Window Center/Width %g/%g, %s (pair 1 of %zu)",
                chosen.center, chosen.width, chosen.function.c_str(), centers.size());
  info.voi = text_buffer;
  return result;
}

}  // namespace dicom

}  // namespace engine::data
