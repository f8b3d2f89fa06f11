#include "tests/harness/compare.h"

#include <cmath>
#include <cstring>
#include <sstream>

#include "tensor/bfloat16.h"

namespace engine::testing {

namespace {

std::string position(const Shape& shape, std::int64_t flat) {
  Shape index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return to_string(index);
}

}  // namespace

std::vector<double> to_doubles(const Tensor& tensor) {
  const Tensor host = tensor.to(Device::cpu()).contiguous();
  switch (host.dtype()) {
    case DType::Float64: return host.to_vector<double>();
    default: return host.to(DType::Float64).to_vector<double>();
  }
}

Comparison compare(const Tensor& actual, const Tensor& expected, double atol, double rtol) {
  Comparison result;
  if (actual.shape() != expected.shape()) {
    result.ok = false;
    result.report = "shapes differ: " + actual.description() + " vs " + expected.description();
    return result;
  }
  const std::vector<double> a = to_doubles(actual), e = to_doubles(expected);
  std::ostringstream mismatches;
  int shown = 0, count = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double error = std::abs(a[i] - e[i]);
    const bool bad = std::isnan(a[i]) || std::isnan(e[i]) || error > atol + rtol * std::abs(e[i]);
    if (!std::isnan(error)) {
      result.max_absolute_error = std::max(result.max_absolute_error, error);
      if (e[i] != 0.0) {
        result.max_relative_error = std::max(result.max_relative_error, error / std::abs(e[i]));
      }
    }
    if (bad) {
      ++count;
      if (shown++ < 5) {
        mismatches << "\n  at " << position(actual.shape(), static_cast<std::int64_t>(i))
                   << ": actual " << a[i] << ", expected " << e[i];
      }
    }
  }
  if (count > 0) {
    result.ok = false;
    std::ostringstream report;
    report << count << " of " << a.size() << " elements differ (atol " << atol << ", rtol " << rtol
           << "); max abs error " << result.max_absolute_error << ", max rel error "
           << result.max_relative_error << "; first mismatches:" << mismatches.str();
    result.report = report.str();
  }
  return result;
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const Tensor host_a = a.to(Device::cpu()).contiguous(), host_b = b.to(Device::cpu()).contiguous();
  return std::memcmp(host_a.raw_data(), host_b.raw_data(), host_a.bytes()) == 0;
}

}  // namespace engine::testing
