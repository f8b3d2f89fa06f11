#include "metrics/ratio.h"

#include <cmath>
#include <limits>

namespace engine::metrics {

double Ratio::value() const {
  if (!defined()) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

Json to_json(const Ratio& ratio) {
  Json json = Json::object();
  json.set("numerator", ratio.numerator);
  json.set("denominator", ratio.denominator);
  json.set("value", number_or_null(ratio.value()));
  if (!ratio.defined()) json.set("undefined", "denominator is 0");
  return json;
}

Json number_or_null(double value) {
  if (!std::isfinite(value)) return Json(nullptr);
  return Json(value);
}

}  // namespace engine::metrics
