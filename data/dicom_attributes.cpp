#include "data/dicom_attributes.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "data/error.h"

namespace engine::data::dicom {

namespace {

constexpr std::uint32_t voi_lut_sequence = make_tag(0x0028, 0x3010);
constexpr std::uint32_t lut_descriptor = make_tag(0x0028, 0x3002);
constexpr std::uint32_t lut_data = make_tag(0x0028, 0x3006);

constexpr std::array<std::pair<std::uint32_t, const char*>, 29> names = {{
    {make_tag(0x0002, 0x0010), "Transfer Syntax UID"},
    {make_tag(0x0008, 0x0016), "SOP Class UID"},
    {make_tag(0x0008, 0x0018), "SOP Instance UID"},
    {make_tag(0x0008, 0x0060), "Modality"},
    {make_tag(0x0018, 0x0015), "Body Part Examined"},
    {make_tag(0x0018, 0x1164), "Imager Pixel Spacing"},
    {make_tag(0x0020, 0x0060), "Laterality"},
    {make_tag(0x0020, 0x0062), "Image Laterality"},
    {make_tag(0x0028, 0x0002), "Samples per Pixel"},
    {make_tag(0x0028, 0x0004), "Photometric Interpretation"},
    {make_tag(0x0028, 0x0008), "Number of Frames"},
    {make_tag(0x0028, 0x0010), "Rows"},
    {make_tag(0x0028, 0x0011), "Columns"},
    {make_tag(0x0028, 0x0030), "Pixel Spacing"},
    {make_tag(0x0028, 0x0100), "Bits Allocated"},
    {make_tag(0x0028, 0x0101), "Bits Stored"},
    {make_tag(0x0028, 0x0102), "High Bit"},
    {make_tag(0x0028, 0x0103), "Pixel Representation"},
    {make_tag(0x0028, 0x1050), "Window Center"},
    {make_tag(0x0028, 0x1051), "Window Width"},
    {make_tag(0x0028, 0x1052), "Rescale Intercept"},
    {make_tag(0x0028, 0x1053), "Rescale Slope"},
    {make_tag(0x0028, 0x1056), "VOI LUT Function"},
    {make_tag(0x0028, 0x2110), "Lossy Image Compression"},
    {make_tag(0x0028, 0x3000), "Modality LUT Sequence"},
    {voi_lut_sequence, "VOI LUT Sequence"},
    {lut_descriptor, "LUT Descriptor"},
    {lut_data, "LUT Data"},
    {make_tag(0x2050, 0x0020), "Presentation LUT Shape"},
}};

std::string as_string(std::span<const std::uint8_t> value) {
  std::string text(value.begin(), value.end());
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  const std::size_t start = text.find_first_not_of(' ');
  return start == std::string::npos ? std::string() : text.substr(start);
}

std::uint16_t half(const Element& element, std::size_t index) {
  const std::uint8_t* b = &element.value[2 * index];
  return element.big_endian ? static_cast<std::uint16_t>((b[0] << 8) | b[1])
                            : static_cast<std::uint16_t>((b[1] << 8) | b[0]);
}

bool is_numeric_vr(const std::string& vr) {
  return vr.empty() || vr == "US" || vr == "SS" || vr == "OW" || vr == "UN";
}

}  // namespace

std::string attribute_name(std::uint32_t tag) {
  for (const auto& [known, name] : names) {
    if (known == tag) return std::string(name) + " " + tag_text(tag);
  }
  return tag_text(tag);
}

const Element* Attributes::find(std::uint32_t tag, const Dataset* in) const {
  return (in != nullptr ? in : &file_.dataset)->find(tag);
}

void Attributes::fail(std::uint32_t tag, const Element* element, const std::string& what) const {
  throw DataError(source_ + ": DICOM " + attribute_name(tag) + " " + what +
                  (element ? " (value at byte " + std::to_string(element->offset) + ")" : ""));
}

std::optional<std::string> Attributes::text(std::uint32_t tag, const Dataset* in) const {
  const Element* element = find(tag, in);
  if (element == nullptr) return std::nullopt;
  if (!element->items.empty()) fail(tag, element, "is a sequence, not text");
  return as_string(element->value);
}

std::string Attributes::required_text(std::uint32_t tag) const {
  const std::optional<std::string> value = text(tag);
  if (!value || value->empty()) fail(tag, find(tag, nullptr), "is missing or empty");
  return *value;
}

std::optional<int> Attributes::unsigned_short(std::uint32_t tag, const Dataset* in) const {
  const Element* element = find(tag, in);
  if (element == nullptr || (element->value.empty() && element->items.empty())) return std::nullopt;
  if (!is_numeric_vr(element->vr)) fail(tag, element, "has VR " + element->vr + ", expected US");
  if (element->value.size() != 2) {
    fail(tag, element,
         "is " + std::to_string(element->value.size()) + " bytes long; a US value is 2 bytes");
  }
  return half(*element, 0);
}

int Attributes::required_unsigned(std::uint32_t tag) const {
  const std::optional<int> value = unsigned_short(tag);
  if (!value) fail(tag, find(tag, nullptr), "is missing or empty");
  return *value;
}

std::vector<double> Attributes::decimals(std::uint32_t tag) const {
  std::vector<double> values;
  const std::optional<std::string> value = text(tag);
  if (!value || value->empty()) return values;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(value->find('\\', start), value->size());
    std::string part =
        as_string({reinterpret_cast<const std::uint8_t*>(value->data()) + start, end - start});
    char* parsed_end = nullptr;
    const double number = std::strtod(part.c_str(), &parsed_end);
    if (part.empty() || parsed_end != part.c_str() + part.size() || !std::isfinite(number)) {
      fail(tag, find(tag, nullptr), "holds '" + printable(part, 32) + "', not a decimal number");
    }
    values.push_back(number);
    if (end == value->size()) return values;
    start = end + 1;
  }
}

std::optional<std::int64_t> Attributes::integer(std::uint32_t tag) const {
  const std::optional<std::string> value = text(tag);
  if (!value || value->empty()) return std::nullopt;
  char* end = nullptr;
  const long long number = std::strtoll(value->c_str(), &end, 10);
  if (end != value->c_str() + value->size()) {
    fail(tag, find(tag, nullptr), "holds '" + printable(*value, 32) + "', not an integer");
  }
  return number;
}

std::optional<VoiLut> Attributes::voi_lut(const PixelLayout& layout,
                                          std::string& explanation) const {
  const Element* sequence = find(voi_lut_sequence, nullptr);
  if (sequence == nullptr || sequence->items.empty()) return std::nullopt;
  const Dataset& item = sequence->items.front();
  const Element* descriptor = find(lut_descriptor, &item);
  const Element* data = find(lut_data, &item);
  if (descriptor == nullptr || data == nullptr) {
    fail(voi_lut_sequence, sequence, "item 1 lacks its LUT Descriptor or LUT Data");
  }
  if (descriptor->value.size() != 6) {
    fail(lut_descriptor, descriptor,
         "is " + std::to_string(descriptor->value.size()) +
             " bytes long; it holds three 16-bit values (6 bytes)");
  }
  VoiLut lut;
  const std::size_t entries = half(*descriptor, 0) == 0 ? 65536 : half(*descriptor, 0);
  const bool signed_first = descriptor->vr == "SS" || (descriptor->vr != "US" && layout.is_signed);
  lut.first_mapped = signed_first ? static_cast<std::int16_t>(half(*descriptor, 1))
                                  : static_cast<std::int32_t>(half(*descriptor, 1));
  lut.bits = half(*descriptor, 2);
  if (lut.bits < 8 || lut.bits > 16) {
    fail(lut_descriptor, descriptor,
         "declares " + std::to_string(lut.bits) + " bits per entry (8 to 16 are valid)");
  }
  if (data->value.size() != 2 * entries || !is_numeric_vr(data->vr)) {
    fail(lut_data, data,
         "holds " + std::to_string(data->value.size()) + " bytes; the LUT " + "Descriptor's " +
             std::to_string(entries) + " entries need " + std::to_string(2 * entries));
  }
  lut.entries.resize(entries);
  for (std::size_t i = 0; i < entries; ++i) lut.entries[i] = half(*data, i);
  const std::optional<std::string> name = text(make_tag(0x0028, 0x3003), &item);
  explanation = "VOI LUT Sequence, LUT 1 of " + std::to_string(sequence->items.size()) +
                (name && !name->empty() ? " ('" + printable(*name) + "')" : "") + ": " +
                std::to_string(entries) + " entries from " + std::to_string(lut.first_mapped) +
                ", " + std::to_string(lut.bits) + " bits";
  return lut;
}

}  // namespace engine::data::dicom
