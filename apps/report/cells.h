// Table cells from results.json values, in the report's one number style (format.h). Each
// function takes the field that metrics::to_json wrote and returns the text for a cell, or
// "— (reason)" when the value is missing or undefined.
#pragma once

#include <string>

#include "results/fields.h"

namespace engine::report {

using results::Field;  // results.json's values with their paths (results/fields.h)

// A proportion: "93.2%".
std::string percent_cell(const Field& number);
// A score that is not a proportion of cases: "0.947".
std::string decimal_cell(const Field& number);
// A string, or "— (not recorded)".
std::string text_cell(const Field& text);
// An integer count: "1,234".
std::string count_cell(const Field& integer);

// A metrics Ratio {numerator, denominator, value[, undefined]}: "92.4% (85/92)".
std::string ratio_cell(const Field& ratio);
// A value and its interval {lower, upper}: "93.2% [86.2%, 96.9%]"; an interval with a null
// end is named undefined rather than dropped.
std::string percent_with_interval(const Field& value, const Field& interval);
std::string decimal_with_interval(const Field& value, const Field& interval);

}  // namespace engine::report
