#include "kernels/random_tensors.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "util/philox.h"

namespace engine {

namespace {

// Element i's normal draw, attempt `attempt`: counters never overlap between elements because
// the attempt lives in the high word of the index.
double normal_draw(std::uint64_t seed, std::uint64_t stream, std::uint64_t index,
                   std::uint64_t attempt) {
  const random::Counter bits = random::draw(seed, stream, index | (attempt << 48));
  // 1 - u keeps the logarithm's argument in (0, 1].
  const double u1 = 1.0 - random::unit_double(bits.words[0], bits.words[1]);
  const double u2 = random::unit_double(bits.words[2], bits.words[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

Tensor from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype,
                    Device device) {
  if (!is_floating(dtype)) throw std::invalid_argument("random tensors must be floating point");
  return Tensor::from_vector(values, shape).to(dtype).to(device);
}

}  // namespace

Tensor random_uniform(const Shape& shape, double low, double high, std::uint64_t seed,
                      std::uint64_t stream, DType dtype, Device device) {
  std::vector<double> values(static_cast<std::size_t>(element_count(shape)));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const random::Counter bits = random::draw(seed, stream, i);
    values[i] = low + (high - low) * random::unit_double(bits.words[0], bits.words[1]);
  }
  return from_doubles(values, shape, dtype, device);
}

Tensor random_normal(const Shape& shape, double mean, double standard_deviation, std::uint64_t seed,
                     std::uint64_t stream, DType dtype, Device device) {
  std::vector<double> values(static_cast<std::size_t>(element_count(shape)));
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = mean + standard_deviation * normal_draw(seed, stream, i, 0);
  }
  return from_doubles(values, shape, dtype, device);
}

Tensor random_truncated_normal(const Shape& shape, double mean, double standard_deviation,
                               double low, double high, std::uint64_t seed, std::uint64_t stream,
                               DType dtype, Device device) {
  if (!(low < high) || !(low <= mean + 5 * standard_deviation) ||
      !(high >= mean - 5 * standard_deviation)) {
    throw std::invalid_argument("random_truncated_normal: bounds [" + std::to_string(low) + ", " +
                                std::to_string(high) + "] leave almost no mass to draw from");
  }
  std::vector<double> values(static_cast<std::size_t>(element_count(shape)));
  for (std::size_t i = 0; i < values.size(); ++i) {
    double value = mean + standard_deviation * normal_draw(seed, stream, i, 0);
    for (std::uint64_t attempt = 1; value < low || value > high; ++attempt) {
      value = mean + standard_deviation * normal_draw(seed, stream, i, attempt);
    }
    values[i] = value;
  }
  return from_doubles(values, shape, dtype, device);
}

}  // namespace engine
