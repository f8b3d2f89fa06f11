#include "apps/report/format.h"

#include <charconv>
#include <cmath>

namespace engine::report {

std::string missing(std::string_view reason) {
  std::string text(missing_mark);
  if (!reason.empty()) {
    text += " (";
    text += reason;
    text += ")";
  }
  return text;
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return missing("not a finite number");
  char buffer[128];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  std::string text(buffer, result.ptr);
  // "-0.0", "-0.00": a negative value that rounds to zero is zero.
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string significant(double value, int digits) {
  if (!std::isfinite(value)) return missing("not a finite number");
  if (value == 0) return "0";  // also turns -0 into 0
  char buffer[128];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, digits);
  return std::string(buffer, result.ptr);
}

std::string percent(double proportion) {
  if (!std::isfinite(proportion)) return missing("not a finite number");
  return fixed(100.0 * proportion, 1) + "%";
}

std::string percent_interval(double lower, double upper) {
  std::string text = "[";
  text += percent(lower);
  text += ", ";
  text += percent(upper);
  text += "]";
  return text;
}

std::string percentage_points(double difference) {
  if (!std::isfinite(difference)) return missing("not a finite number");
  std::string text = fixed(100.0 * difference, 1);
  if (text.front() != '-' && text != "0.0") text.insert(text.begin(), '+');
  return text + " pp";
}

std::string decimal(double value) { return fixed(value, 3); }

std::string count(std::int64_t value) {
  const bool negative = value < 0;
  // Unsigned negation: well defined even for the most negative value.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  const std::string digits = std::to_string(magnitude);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return negative ? "-" + grouped : grouped;
}

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return missing("not a valid duration");
  std::string text = fixed(seconds, 1) + " s";
  if (seconds >= 60) {
    const auto whole = static_cast<std::int64_t>(std::llround(seconds));
    const std::int64_t hours = whole / 3600;
    const std::int64_t minutes = (whole % 3600) / 60;
    const std::int64_t rest = whole % 60;
    text += " (";
    if (hours > 0) text += std::to_string(hours) + " h ";
    text += std::to_string(minutes) + " min " + std::to_string(rest) + " s)";
  }
  return text;
}

}  // namespace engine::report
