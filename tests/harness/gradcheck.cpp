#include "tests/harness/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autograd/autograd.h"
#include "kernels/random_tensors.h"

namespace engine::testing {

namespace {

double projected(const Tensor& output, const std::vector<double>& projection) {
  const std::vector<double> values = output.to(DType::Float64).to_vector<double>();
  double total = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) total += values[i] * projection[i];
  return total;
}

}  // namespace

Tensor test_input(const Shape& shape, std::uint64_t seed, double low, double high, double margin) {
  std::vector<double> values =
      random_uniform(shape, low, high, seed, 0, DType::Float64).to_vector<double>();
  for (double& value : values) {
    if (std::abs(value) < margin) value = value < 0 ? value - margin : value + margin;
  }
  return Tensor::from_vector(values, shape);
}

GradcheckResult gradcheck(const TensorFunction& function, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  GradcheckResult result;
  for (const Tensor& input : inputs) {
    if (input.defined() && input.requires_grad() &&
        (input.dtype() != DType::Float64 || !input.device().is_cpu() || !input.is_leaf())) {
      result.ok = false;
      result.report = "gradcheck needs float64 CPU leaves, got " + input.description();
      return result;
    }
  }
  for (const Tensor& input : inputs) {
    if (input.defined() && input.requires_grad()) const_cast<Tensor&>(input).set_grad(Tensor());
  }

  const Tensor output = function(inputs);
  if (!output.requires_grad()) {
    result.ok = false;
    result.report = "the function's output does not require grad";
    return result;
  }
  const Tensor projection =
      random_uniform(output.shape(), -1.0, 1.0, options.projection_seed, 0, output.dtype());
  output.backward(projection);
  const std::vector<double> weights = projection.to(DType::Float64).to_vector<double>();

  std::ostringstream mismatches;
  int shown = 0;
  NoGradGuard no_grad;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& input = inputs[k];
    if (!input.defined() || !input.requires_grad()) continue;
    const Tensor grad = input.grad();
    const std::vector<double> analytic =
        grad.defined() ? grad.to_vector<double>() : std::vector<double>(input.numel(), 0.0);
    double* values = input.data<double>();
    for (std::int64_t j = 0; j < input.numel(); ++j) {
      const double saved = values[j];
      values[j] = saved + options.eps;
      const double plus = projected(function(inputs), weights);
      values[j] = saved - options.eps;
      const double minus = projected(function(inputs), weights);
      values[j] = saved;
      const double numeric = (plus - minus) / (2.0 * options.eps);
      const double error = std::abs(analytic[j] - numeric);
      ++result.checked;
      result.max_error = std::max(result.max_error, std::isnan(error) ? INFINITY : error);
      if (!(error <= options.atol + options.rtol * std::abs(numeric))) {
        result.ok = false;
        if (shown++ < 6) {
          mismatches << "\n  input " << k << " " << input.description() << " element " << j
                     << ": analytic " << analytic[j] << ", numeric " << numeric;
        }
      }
    }
  }
  if (!result.ok) {
    std::ostringstream report;
    report << "gradient mismatch (max error " << result.max_error << " over " << result.checked
           << " elements; atol " << options.atol << ", rtol " << options.rtol
           << "):" << mismatches.str();
    result.report = report.str();
  }
  return result;
}

}  // namespace engine::testing
