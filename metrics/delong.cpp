#include "metrics/delong.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "metrics/error.h"
#include "metrics/ratio.h"

namespace engine::metrics {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
using Wide = __int128;

// Checks both classifiers' samples and the positive class; the number of positive cases.
std::int64_t checked_positives(const std::vector<int>& labels,
                               const std::vector<double>& probabilities_a,
                               const std::vector<double>& probabilities_b, int positive_class,
                               const ClassNames& names, const std::string& where) {
  check_sample(labels, probabilities_a, where + " (classifier a)");
  check_sample(labels, probabilities_b, where + " (classifier b)");
  check_class_index(positive_class, where);
  std::int64_t positives = 0;
  for (int label : labels) positives += label == positive_class ? 1 : 0;
  const std::int64_t negatives = static_cast<std::int64_t>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) {
    const int missing = positives == 0 ? positive_class : 1 - positive_class;
    throw MetricsError("metrics: " + where + ": the sample has no case of class " +
                       names.of(missing) + "; an AUC needs both classes");
  }
  return positives;
}

// Twice each case's placement count, in the classifier's own ordering. A positive case gets
// 2 (negatives scored below it) + (negatives tied with it) = 2 n V10; a negative case gets
// 2 (positives scored above it) + (positives tied with it) = 2 m V01.
std::vector<std::int64_t> twice_placements(const std::vector<int>& labels,
                                           const std::vector<double>& probabilities_class1,
                                           int positive_class, std::int64_t positives) {
  // Ascending in the positive-class score: p(class 1) ascending, or descending for class 0.
  std::vector<std::size_t> order(labels.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return positive_class == 1 ? probabilities_class1[a] < probabilities_class1[b]
                               : probabilities_class1[a] > probabilities_class1[b];
  });
  std::vector<std::int64_t> placements(labels.size());
  std::int64_t positives_below = 0;
  std::int64_t negatives_below = 0;
  for (std::size_t start = 0; start < order.size();) {
    const double score = probabilities_class1[order[start]];
    std::size_t end = start;
    std::int64_t tied_positives = 0;
    std::int64_t tied_negatives = 0;
    for (; end < order.size() && probabilities_class1[order[end]] == score; ++end) {
      (labels[order[end]] == positive_class ? tied_positives : tied_negatives) += 1;
    }
    const std::int64_t positives_above = positives - positives_below - tied_positives;
    for (std::size_t k = start; k < end; ++k) {
      placements[order[k]] = labels[order[k]] == positive_class
                                 ? 2 * negatives_below + tied_negatives
                                 : 2 * positives_above + tied_positives;
    }
    positives_below += tied_positives;
    negatives_below += tied_negatives;
    start = end;
  }
  return placements;
}

// One class's cases of x and y (twice the placement counts, 2 `other` V per case).
struct Components {
  std::vector<std::int64_t> a, b, difference;
  std::int64_t other = 0;  // size of the other class
};

// The sample covariance of V_x and V_y over `count` cases, divided by count: S / count with
//   S = (count sum xy - sum x sum y) / (count (count - 1)) / (2 other)^2,
// the numerator exact in 128 bits.
double covariance_over_count(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y,
                             std::int64_t other) {
  const auto count = static_cast<Wide>(x.size());
  Wide sum_x = 0, sum_y = 0, sum_xy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sum_x += x[i];
    sum_y += y[i];
    sum_xy += static_cast<Wide>(x[i]) * y[i];
  }
  const Wide numerator = count * sum_xy - sum_x * sum_y;
  const double n = static_cast<double>(x.size());
  const double scale = 2.0 * static_cast<double>(other);
  return static_cast<double>(numerator) / (n * n * (n - 1.0) * scale * scale);
}

double delong_covariance(const Components& positive, const Components& negative,
                         const std::vector<std::int64_t> Components::*x,
                         const std::vector<std::int64_t> Components::*y) {
  return covariance_over_count(positive.*x, positive.*y, positive.other) +
         covariance_over_count(negative.*x, negative.*y, negative.other);
}

}  // namespace

DeLongTest delong_test(const std::vector<int>& labels, const std::vector<double>& probabilities_a,
                       const std::vector<double>& probabilities_b, int positive_class,
                       const ClassNames& names) {
  DeLongTest test;
  test.positive_class = positive_class;
  test.positives = checked_positives(labels, probabilities_a, probabilities_b, positive_class,
                                     names, "delong_test");
  test.negatives = static_cast<std::int64_t>(labels.size()) - test.positives;
  test.positive_name = names.of(positive_class);

  const std::vector<std::int64_t> a =
      twice_placements(labels, probabilities_a, positive_class, test.positives);
  const std::vector<std::int64_t> b =
      twice_placements(labels, probabilities_b, positive_class, test.positives);
  Components positive{{}, {}, {}, test.negatives};
  Components negative{{}, {}, {}, test.positives};
  for (std::size_t i = 0; i < labels.size(); ++i) {
    Components& part = labels[i] == positive_class ? positive : negative;
    part.a.push_back(a[i]);
    part.b.push_back(b[i]);
    part.difference.push_back(a[i] - b[i]);
  }
  // AUC = sum of V10 / m = (sum of twice the placements) / (2 m n): as roc.h, one division.
  const auto sum = [](const std::vector<std::int64_t>& values) {
    return std::accumulate(values.begin(), values.end(), std::int64_t{0});
  };
  const double pairs =
      2.0 * static_cast<double>(test.positives) * static_cast<double>(test.negatives);
  test.auc_a = static_cast<double>(sum(positive.a)) / pairs;
  test.auc_b = static_cast<double>(sum(positive.b)) / pairs;
  test.difference = static_cast<double>(sum(positive.difference)) / pairs;

  if (test.positives < 2 || test.negatives < 2) {
    test.variance_a = test.variance_b = test.covariance = not_a_number;
    test.variance_difference = test.z = test.p_value = not_a_number;
    test.undefined_reason =
        "fewer than 2 cases of a class: DeLong's covariances have no degrees of freedom";
    return test;
  }
  test.variance_a = delong_covariance(positive, negative, &Components::a, &Components::a);
  test.variance_b = delong_covariance(positive, negative, &Components::b, &Components::b);
  test.covariance = delong_covariance(positive, negative, &Components::a, &Components::b);
  test.variance_difference =
      delong_covariance(positive, negative, &Components::difference, &Components::difference);
  if (test.variance_difference == 0.0) {
    test.z = test.p_value = not_a_number;
    test.undefined_reason =
        "the variance of the AUC difference is 0 (identical classifiers, or structural "
        "components that differ by a constant, e.g. both separating the classes): z and p are "
        "undefined";
    return test;
  }
  test.z = test.difference / std::sqrt(test.variance_difference);
  test.p_value = std::erfc(std::abs(test.z) / std::sqrt(2.0));
  return test;
}

double auc_difference(const std::vector<int>& labels, const std::vector<double>& probabilities_a,
                      const std::vector<double>& probabilities_b, int positive_class,
                      const ClassNames& names) {
  const std::int64_t positives = checked_positives(labels, probabilities_a, probabilities_b,
                                                   positive_class, names, "auc_difference");
  const std::int64_t negatives = static_cast<std::int64_t>(labels.size()) - positives;
  const std::vector<std::int64_t> a =
      twice_placements(labels, probabilities_a, positive_class, positives);
  const std::vector<std::int64_t> b =
      twice_placements(labels, probabilities_b, positive_class, positives);
  std::int64_t difference = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == positive_class) difference += a[i] - b[i];
  }
  return static_cast<double>(difference) /
         (2.0 * static_cast<double>(positives) * static_cast<double>(negatives));
}

Json to_json(const DeLongTest& test) {
  Json json = Json::object();
  json.set("method",
           "DeLong, DeLong & Clarke-Pearson (1988): covariance of the two AUCs from their "
           "structural components (placement values, Sun & Xu 2014), ties count 1/2; "
           "z = (AUC a - AUC b) / sqrt(Var), p = 2 (1 - Phi(|z|))");
  json.set("positive_class", test.positive_name);
  json.set("positives", test.positives);
  json.set("negatives", test.negatives);
  json.set("auc_a", test.auc_a);
  json.set("auc_b", test.auc_b);
  json.set("auc_difference", test.difference);
  json.set("variance_a", number_or_null(test.variance_a));
  json.set("variance_b", number_or_null(test.variance_b));
  json.set("covariance", number_or_null(test.covariance));
  json.set("variance_difference", number_or_null(test.variance_difference));
  json.set("z", number_or_null(test.z));
  json.set("p_value", number_or_null(test.p_value));
  if (!test.undefined_reason.empty()) json.set("undefined", test.undefined_reason);
  return json;
}

}  // namespace engine::metrics
