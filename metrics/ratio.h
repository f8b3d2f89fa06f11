// A proportion kept as its two counts, so every reported figure can be recomputed by hand from
// the numbers next to it. A ratio whose denominator is 0 is undefined: defined() is false and
// value() is a quiet NaN (never a silent 0/0 somewhere else). Arithmetic on NaN stays NaN, so a
// figure built from an undefined ratio (a macro average, a difference) is undefined too.
#pragma once

#include <cstdint>

#include "util/json.h"

namespace engine::metrics {

struct Ratio {
  std::int64_t numerator = 0;
  std::int64_t denominator = 0;

  bool defined() const { return denominator > 0; }
  // numerator / denominator, or NaN when the denominator is 0.
  double value() const;
};

// {"numerator": n, "denominator": d, "value": v}; value is null when undefined, and an
// "undefined" entry then says why.
Json to_json(const Ratio& ratio);

// A double as JSON: null when NaN or infinite (JSON has neither).
Json number_or_null(double value);

}  // namespace engine::metrics
