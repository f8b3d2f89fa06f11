#include "tests/harness/error_model.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "tests/harness/compare.h"

namespace engine::testing {

namespace {

double largest_ratio = 0.0;

double ratio_of(double deviation, double reference_error, double scale) {
  const double unit = std::max(reference_error, float32_unit_roundoff * scale);
  const double ratio = unit > 0 ? deviation / unit : (deviation > 0 ? INFINITY : 0.0);
  largest_ratio = std::max(largest_ratio, ratio);
  return ratio;
}

}  // namespace

double allowed_float32_deviation(double reference_error, double scale) {
  return float32_error_factor * std::max(reference_error, float32_unit_roundoff * std::abs(scale));
}

double check_float32(const std::string& what, double ours, double exact, double reference_error,
                     double scale) {
  const double deviation = std::abs(ours - exact);
  const double allowed = allowed_float32_deviation(reference_error, scale);
  const double ratio = ratio_of(deviation, reference_error, std::abs(scale));
  INFO(what << ": ours " << ours << ", exact " << exact << "; deviation " << deviation << " = "
            << ratio << " x the reference's float32 error " << reference_error << " (allowed "
            << allowed << ", K = " << float32_error_factor << ")");
  CHECK(deviation <= allowed);  // NaN fails
  return ratio;
}

double check_float32_tensor(const std::string& what, const Tensor& actual, const Tensor& exact,
                            const Tensor& reference) {
  const std::vector<double> a = to_doubles(actual), e = to_doubles(exact),
                            r = to_doubles(reference);
  REQUIRE(a.size() == e.size());
  REQUIRE(r.size() == e.size());
  double ours = 0.0, reference_error = 0.0, scale = 0.0;
  bool finite = true;
  for (std::size_t i = 0; i < e.size(); ++i) {
    finite = finite && std::isfinite(a[i]);
    ours += (a[i] - e[i]) * (a[i] - e[i]);
    reference_error += (r[i] - e[i]) * (r[i] - e[i]);
    scale += e[i] * e[i];
  }
  CHECK_MESSAGE(finite, what << ": " << actual.description() << " holds NaN or infinity");
  return check_float32(what + " (norm of the difference)", std::sqrt(ours), 0.0,
                       std::sqrt(reference_error), std::sqrt(scale));
}

double largest_float32_error_ratio() { return largest_ratio; }
void reset_largest_float32_error_ratio() { largest_ratio = 0.0; }

}  // namespace engine::testing
