// The autograd engine's own rules: accumulation into leaves, no_grad, retain_grad, errors,
// detach, and that gradients handed to two inputs are never written in place.
#include "autograd/autograd.h"

#include <doctest/doctest.h>

#include <cmath>

#include "autograd/functions.h"
#include "tests/harness/compare.h"

namespace engine {

namespace {
Tensor values(std::vector<double> v) {
  const auto count = static_cast<std::int64_t>(v.size());
  return Tensor::from_vector(v, {count});
}
}  // namespace

TEST_CASE("gradients accumulate into leaves across backward passes") {
  Tensor x = values({1.0, -2.0, 3.0}).set_requires_grad(true);
  sum(add(x, x)).backward();  // d/dx sum(2x) = 2
  CHECK(x.grad().to_vector<double>() == std::vector<double>{2, 2, 2});
  sum(x).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{3, 3, 3});
  x.set_grad(Tensor());
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("a gradient shared by two leaves is copied, not aliased") {
  Tensor a = values({1, 2}).set_requires_grad(true);
  Tensor b = values({3, 4}).set_requires_grad(true);
  sum(add(a, b)).backward();
  CHECK_FALSE(a.grad().same_storage(b.grad()));
  a.grad().data<double>()[0] = 100.0;  // what clipping in place would do
  CHECK(b.grad().to_vector<double>()[0] == 1.0);
}

TEST_CASE("no_grad records nothing; detach cuts the graph") {
  Tensor x = values({0.5}).set_requires_grad(true);
  {
    NoGradGuard guard;
    CHECK_FALSE(grad_enabled());
    const Tensor y = sigmoid(x);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
  }
  CHECK(grad_enabled());
  const Tensor y = sigmoid(x);
  CHECK(y.requires_grad());
  CHECK_FALSE(y.is_leaf());
  CHECK(y.grad_fn()->name() == "sigmoid");
  const Tensor cut = y.detach();
  CHECK_FALSE(cut.requires_grad());
  CHECK(cut.same_storage(y));
}

TEST_CASE("retain_grad keeps an intermediate gradient (Grad-CAM needs this)") {
  Tensor x = values({1.0, -1.0, 2.0}).set_requires_grad(true);
  Tensor hidden = relu(x);
  hidden.retain_grad();
  sum(sigmoid(hidden)).backward();
  REQUIRE(hidden.grad().defined());
  const std::vector<double> h = {1.0, 0.0, 2.0};
  std::vector<double> expected;
  for (double v : h) {
    const double s = 1.0 / (1.0 + std::exp(-v));
    expected.push_back(s * (1.0 - s));
  }
  CHECK_CLOSE(hidden.grad(), values(expected), 1e-15, 1e-12);
}

TEST_CASE("backward reports misuse clearly") {
  const Tensor plain = values({1, 2});
  CHECK_THROWS_WITH(plain.backward(), doctest::Contains("does not require grad"));
  Tensor x = values({1, 2}).set_requires_grad(true);
  const Tensor y = sigmoid(x);
  CHECK_THROWS_WITH(y.backward(), doctest::Contains("single-element"));
  CHECK_THROWS_WITH(y.backward(values({1, 2, 3})), doctest::Contains("gradient float64[3]"));
  Tensor y_mutable = y;
  CHECK_THROWS_WITH(y_mutable.set_requires_grad(false), doctest::Contains("non-leaf"));
  Tensor integers = Tensor::zeros({2}, DType::Int64);
  CHECK_THROWS_WITH(integers.set_requires_grad(true), doctest::Contains("floating-point"));
}

TEST_CASE("the tape visits a diamond-shaped graph once per node, in reverse order") {
  // y = sum(sigmoid(x) + relu(sigmoid(x))): the shared sigmoid node receives two gradients.
  Tensor x = values({0.3, -0.7}).set_requires_grad(true);
  const Tensor s = sigmoid(x);
  sum(add(s, relu(s))).backward();
  std::vector<double> expected;
  for (double v : {0.3, -0.7}) {
    const double sv = 1.0 / (1.0 + std::exp(-v));
    expected.push_back(2.0 * sv * (1.0 - sv));  // relu passes everything: s > 0
  }
  CHECK_CLOSE(x.grad(), values(expected), 1e-15, 1e-12);
}

}  // namespace engine
