// Gradient-norm clipping (torch.nn.utils.clip_grad_norm_ with the 2-norm) and the finiteness
// check.
#include "optim/clip.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "tensor/host_reads.h"
#include "tests/optim/optim_test_support.h"

namespace engine::optim::testing {

namespace {

// Gradients [3, 4] and [12]: total norm sqrt(9 + 16 + 144) = 13. A third parameter has none.
std::vector<Parameter> example(DType dtype) {
  std::vector<Parameter> parameters = {parameter_of("a", {0, 0}, dtype),
                                       parameter_of("b", {0}, dtype),
                                       parameter_of("no_gradient", {0, 0, 0}, dtype)};
  set_gradient(parameters[0], {3, 4});
  set_gradient(parameters[1], {12});
  return parameters;
}

}  // namespace

TEST_CASE("clip_grad_norm leaves gradients alone below max_norm and returns the norm") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    const std::vector<Parameter> parameters = example(dtype);
    const Tensor before_a = parameters[0].tensor.grad().clone();
    // 9 + 16 + 144 is exact in float32 too, and so is its square root.
    CHECK(clip_grad_norm(parameters, 26.0) == 13.0);
    CHECK(engine::testing::bitwise_equal(parameters[0].tensor.grad(), before_a));
    CHECK_CLOSE(parameters[1].tensor.grad(), expected({12}), 0.0, 0.0);
    CHECK_FALSE(parameters[2].tensor.grad().defined());
  }
}

TEST_CASE("clip_grad_norm scales by max_norm / (total + 1e-6) above max_norm") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    const std::vector<Parameter> parameters = example(dtype);
    CHECK(clip_grad_norm(parameters, 6.5) == 13.0);
    const double factor = 6.5 / (13.0 + 1e-6);  // 0.49999996..., just under one half
    // The factor is rounded to the gradient's dtype before multiplying: within one rounding of
    // float32 (6e-8 relative) twice; exact to double's last bits in float64.
    const double tol = dtype == DType::Float32 ? 2e-7 : 1e-15;
    CHECK_CLOSE(parameters[0].tensor.grad(), expected({3 * factor, 4 * factor}), 0.0, tol);
    CHECK_CLOSE(parameters[1].tensor.grad(), expected({12 * factor}), 0.0, tol);
    CHECK_FALSE(parameters[2].tensor.grad().defined());
    // After clipping, the norm is max_norm (up to the 1e-6 and the rounding).
    CHECK(gradient_norm(parameters) == doctest::Approx(6.5).epsilon(1e-6));
  }
}

TEST_CASE("clip_grad_norm with no gradients at all returns 0 and rejects a bad max_norm") {
  const std::vector<Parameter> parameters = {parameter_of("a", {1, 2}, DType::Float32)};
  CHECK(clip_grad_norm(parameters, 1.0) == 0.0);
  CHECK_THROWS_AS(clip_grad_norm(parameters, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(clip_grad_norm(parameters, std::numeric_limits<double>::infinity()),
                  std::invalid_argument);
}

TEST_CASE("non-finite gradients are reported and not clipped") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    const double infinity = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<Parameter> parameters = example(dtype);
    CHECK(gradients_are_finite(parameters));

    set_gradient(parameters[1], {nan});
    CHECK_FALSE(gradients_are_finite(parameters));
    CHECK(std::isnan(clip_grad_norm(parameters, 1.0)));
    CHECK_CLOSE(parameters[0].tensor.grad(), expected({3, 4}), 0.0, 0.0);  // not scaled

    set_gradient(parameters[1], {-infinity});
    CHECK_FALSE(gradients_are_finite(parameters));
    CHECK(std::isinf(clip_grad_norm(parameters, 1.0)));
    CHECK_CLOSE(parameters[0].tensor.grad(), expected({3, 4}), 0.0, 0.0);
  }
}

TEST_CASE("the squared norms go into one float64 vector at the slots asked for, read nothing") {
  // One float32 and one float64 gradient: each squared norm in its own dtype, widened exactly.
  std::vector<Parameter> parameters = {parameter_of("a", {0, 0}, DType::Float32),
                                       parameter_of("none", {0}, DType::Float32),
                                       parameter_of("b", {0, 0}, DType::Float64)};
  set_gradient(parameters[0], {0.1, 0.2});
  set_gradient(parameters[2], {0.1, 0.2});
  CHECK(defined_gradients(parameters) == 2);
  Tensor output = Tensor::full({4}, -7.0, DType::Float64);
  const std::int64_t before = host_reads(DeviceKind::CPU);
  write_squared_gradient_norms(parameters, output, 1);
  clip_to_norm(parameters, 13.0, 100.0);
  CHECK(host_reads(DeviceKind::CPU) == before);
  const double* values = output.data<double>();
  const float a0 = 0.1f, a1 = 0.2f;
  CHECK(values[0] == -7.0);
  CHECK(values[1] == static_cast<double>(static_cast<float>(double{a0} * a0 + double{a1} * a1)));
  CHECK(values[2] == 0.1 * 0.1 + 0.2 * 0.2);
  CHECK(values[3] == -7.0);
  CHECK(norm_from_squares({values + 1, 2}) == std::sqrt(values[1] + values[2]));
}

TEST_CASE("gradient_norm, clip_grad_norm and gradients_are_finite read the host once each") {
  const std::vector<Parameter> parameters = example(DType::Float32);
  for (int call = 0; call < 3; ++call) {
    INFO("call " << call);
    const std::int64_t before = host_reads(DeviceKind::CPU);
    if (call == 0) CHECK(gradient_norm(parameters) == 13.0);
    if (call == 1) CHECK(clip_grad_norm(parameters, 26.0) == 13.0);
    if (call == 2) CHECK(gradients_are_finite(parameters));
    CHECK(host_reads(DeviceKind::CPU) - before == 1);
  }
}

}  // namespace engine::optim::testing
