// The one exception type the metrics library throws for input it cannot evaluate: sizes that
// differ, a label that is not 0 or 1, a probability outside [0, 1], an empty sample, a positive
// class that was not chosen. Its message starts with "metrics: " and names the function and the
// offending value, so an examiner can tell which input was wrong.
//
// A figure whose denominator is 0 on valid input (e.g. precision when nothing was predicted
// positive) is not an error: it is reported as undefined (Ratio::defined() is false, its value
// is NaN, and JSON shows null).
#pragma once

#include <stdexcept>

namespace engine::metrics {

class MetricsError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace engine::metrics
