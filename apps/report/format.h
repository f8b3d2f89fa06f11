// How every number in the report is written, in one place, so one rule holds in every table
// and plot: proportions of cases as percentages with one decimal ("93.2%"), intervals as
// "[91.0%, 95.1%]", differences of proportions in percentage points ("+2.2 pp"), scores that
// are not proportions of cases (AUC, Brier score, temperature, losses) as decimals with three
// places, counts as integers with thousands separators. A value that is missing or undefined is
// "—" followed by the reason in parentheses when one is known.
//
// Formatting uses std::to_chars, which ignores the C locale: a report written on a machine set
// to a comma-decimal locale has the same bytes as one written anywhere else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace engine::report {

// The mark for a missing or undefined value.
inline constexpr std::string_view missing_mark = "\xE2\x80\x94";  // U+2014 em dash

// "—" alone, or "— (reason)".
std::string missing(std::string_view reason = {});

// value with a fixed number of decimals; never "-0.0" (a rounded negative zero reads as a sign
// error in court).
std::string fixed(double value, int decimals);
// Like printf's %.{digits}g, for axis ticks: 0.30000000000000004 -> "0.3".
std::string significant(double value, int digits);

std::string percent(double proportion);                    // 0.932 -> "93.2%"
std::string percent_interval(double lower, double upper);  // "[91.0%, 95.1%]"
// A difference of two proportions in percentage points with its sign: 0.022 -> "+2.2 pp".
std::string percentage_points(double difference);
std::string decimal(double value);      // three decimals: AUC, Brier, temperature, loss
std::string count(std::int64_t value);  // 11177538 -> "11,177,538"
// 812.4 -> "812.4 s (13 min 32 s)"; below a minute only the seconds.
std::string duration(double seconds);

}  // namespace engine::report
