#include "apps/report/cells.h"

#include "apps/report/format.h"

namespace engine::report {

std::string percent_cell(const Field& number) {
  const auto value = number.number();
  return value ? percent(*value) : missing(number.missing_reason());
}

std::string decimal_cell(const Field& number) {
  const auto value = number.number();
  return value ? decimal(*value) : missing(number.missing_reason());
}

std::string text_cell(const Field& text) {
  const auto value = text.text();
  if (value && !value->empty()) return *value;
  return missing(value ? "empty" : text.missing_reason());
}

std::string count_cell(const Field& integer) {
  const auto value = integer.integer();
  return value ? count(*value) : missing(integer.missing_reason());
}

std::string ratio_cell(const Field& ratio) {
  if (!ratio.present()) return missing(ratio.missing_reason());
  const auto numerator = ratio["numerator"].integer();
  const auto denominator = ratio["denominator"].integer();
  std::string counts;
  if (numerator && denominator) counts = " (" + count(*numerator) + "/" + count(*denominator) + ")";
  const auto value = ratio["value"].number();
  if (!value) return missing(ratio["value"].missing_reason()) + counts;
  return percent(*value) + counts;
}

namespace {

// " [lo, hi]" in the given style, or " [interval undefined]" / "" when there is no interval.
template <typename Style>
std::string interval_text(const Field& interval, Style style) {
  if (!interval.present()) return {};
  const auto lower = interval["lower"].number();
  const auto upper = interval["upper"].number();
  if (!lower || !upper) return " [interval undefined]";
  return " [" + style(*lower) + ", " + style(*upper) + "]";
}

}  // namespace

std::string percent_with_interval(const Field& value, const Field& interval) {
  const auto number = value.number();
  if (!number) return missing(value.missing_reason());
  return percent(*number) + interval_text(interval, [](double v) { return percent(v); });
}

std::string decimal_with_interval(const Field& value, const Field& interval) {
  const auto number = value.number();
  if (!number) return missing(value.missing_reason());
  return decimal(*number) + interval_text(interval, [](double v) { return decimal(v); });
}

}  // namespace engine::report
