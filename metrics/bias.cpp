#include "metrics/bias.h"

#include <cmath>
#include <limits>

namespace engine::metrics {

Interval newcombe_difference_interval(std::int64_t successes_a, std::int64_t trials_a,
                                      std::int64_t successes_b, std::int64_t trials_b, double z) {
  const Interval wilson_a = wilson_interval(successes_a, trials_a, z);
  const Interval wilson_b = wilson_interval(successes_b, trials_b, z);
  if (trials_a == 0 || trials_b == 0) {
    return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  }
  const double a = static_cast<double>(successes_a) / static_cast<double>(trials_a);
  const double b = static_cast<double>(successes_b) / static_cast<double>(trials_b);
  const double difference = a - b;
  return {difference - std::hypot(a - wilson_a.lower, wilson_b.upper - b),
          difference + std::hypot(wilson_a.upper - a, b - wilson_b.lower)};
}

SexBias sex_bias(const ConfusionMatrix& matrix) {
  SexBias bias;
  bias.definition = "recall(" + matrix.names.class1 + ") - recall(" + matrix.names.class0 + ")";
  bias.recall_class1 = recall_of(matrix, 1);
  bias.recall_class0 = recall_of(matrix, 0);
  bias.difference = bias.recall_class1.value() - bias.recall_class0.value();
  bias.interval =
      newcombe_difference_interval(bias.recall_class1.numerator, bias.recall_class1.denominator,
                                   bias.recall_class0.numerator, bias.recall_class0.denominator);
  return bias;
}

Json to_json(const SexBias& bias, const ClassNames& names) {
  Json json = Json::object();
  json.set("definition", bias.definition);
  json.set("meaning", "accuracy on true " + names.class1 + " cases minus accuracy on true " +
                          names.class0 + " cases; positive: more often right for " + names.class1);
  json.set("recall_" + names.class1, to_json_with_wilson(bias.recall_class1));
  json.set("recall_" + names.class0, to_json_with_wilson(bias.recall_class0));
  json.set("difference", number_or_null(bias.difference));
  json.set("interval_95", to_json(bias.interval,
                                  "Newcombe (1998) method 10 hybrid score "
                                  "interval from the two Wilson intervals"));
  return json;
}

}  // namespace engine::metrics
