#include "metrics/roc.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "metrics/error.h"
#include "metrics/ratio.h"

namespace engine::metrics {

namespace {

// Case indices ordered by descending positive-class score (ascending p(class 1) when class 0 is
// positive). The sort is stable so the order is reproducible, though no result depends on the
// order within a tie.
std::vector<std::size_t> by_descending_score(const std::vector<double>& probabilities_class1,
                                             int positive_class) {
  std::vector<std::size_t> order(probabilities_class1.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return positive_class == 1 ? probabilities_class1[a] > probabilities_class1[b]
                               : probabilities_class1[a] < probabilities_class1[b];
  });
  return order;
}

void check_both_classes(std::int64_t positives, std::int64_t negatives, int positive_class,
                        const ClassNames& names, const char* where) {
  if (positives == 0 || negatives == 0) {
    const int missing = positives == 0 ? positive_class : 1 - positive_class;
    throw MetricsError(std::string("metrics: ") + where + ": the sample has no case of class " +
                       names.of(missing) + "; a ROC curve and its AUC need both classes");
  }
}

}  // namespace

RocCurve roc_curve(const std::vector<int>& labels, const std::vector<double>& probabilities_class1,
                   int positive_class, const ClassNames& names) {
  check_sample(labels, probabilities_class1, "roc_curve");
  check_class_index(positive_class, "roc_curve");
  RocCurve curve;
  curve.positive_class = positive_class;
  curve.positive_name = names.of(positive_class);
  for (int label : labels) (label == positive_class ? curve.positives : curve.negatives) += 1;
  check_both_classes(curve.positives, curve.negatives, positive_class, names, "roc_curve");

  const auto point = [&](double threshold, std::int64_t true_positives,
                         std::int64_t false_positives) {
    return RocPoint{threshold, true_positives, false_positives,
                    static_cast<double>(true_positives) / static_cast<double>(curve.positives),
                    static_cast<double>(false_positives) / static_cast<double>(curve.negatives)};
  };
  curve.points.push_back(point(std::numeric_limits<double>::infinity(), 0, 0));

  const std::vector<std::size_t> order = by_descending_score(probabilities_class1, positive_class);
  std::int64_t true_positives = 0;
  std::int64_t false_positives = 0;
  for (std::size_t start = 0; start < order.size();) {
    // Take every case tied with order[start] as one step.
    const double score = probabilities_class1[order[start]];
    std::size_t end = start;
    while (end < order.size() && probabilities_class1[order[end]] == score) {
      (labels[order[end]] == positive_class ? true_positives : false_positives) += 1;
      ++end;
    }
    const double threshold = positive_class == 1 ? score : 1.0 - score;
    curve.points.push_back(point(threshold, true_positives, false_positives));
    start = end;
  }
  return curve;
}

double area_under_curve(const RocCurve& curve) {
  if (curve.positives <= 0 || curve.negatives <= 0 || curve.points.empty()) {
    throw MetricsError("metrics: area_under_curve: the curve has no positives or no negatives");
  }
  // Twice the trapezoid area in count units: each step adds
  // (FP_i - FP_{i-1}) * (TP_i + TP_{i-1}); an integer, so summation is exact.
  std::int64_t twice_area = 0;
  for (std::size_t i = 1; i < curve.points.size(); ++i) {
    const RocPoint& previous = curve.points[i - 1];
    const RocPoint& current = curve.points[i];
    twice_area += (current.false_positives - previous.false_positives) *
                  (current.true_positives + previous.true_positives);
  }
  return static_cast<double>(twice_area) /
         (2.0 * static_cast<double>(curve.positives) * static_cast<double>(curve.negatives));
}

double mann_whitney_auc(const std::vector<int>& labels,
                        const std::vector<double>& probabilities_class1, int positive_class,
                        const ClassNames& names) {
  check_sample(labels, probabilities_class1, "mann_whitney_auc");
  check_class_index(positive_class, "mann_whitney_auc");
  std::int64_t positives = 0;
  for (int label : labels) positives += label == positive_class ? 1 : 0;
  const std::int64_t negatives = static_cast<std::int64_t>(labels.size()) - positives;
  check_both_classes(positives, negatives, positive_class, names, "mann_whitney_auc");

  // Ranks 1..n ascending in score = reverse of the descending order. A tie group occupying
  // ranks a..b has mid-rank (a + b) / 2; we add a + b (twice the mid-rank) to stay in integers.
  std::vector<std::size_t> order = by_descending_score(probabilities_class1, positive_class);
  std::reverse(order.begin(), order.end());
  std::int64_t twice_rank_sum = 0;
  for (std::size_t start = 0; start < order.size();) {
    const double score = probabilities_class1[order[start]];
    std::size_t end = start;
    while (end < order.size() && probabilities_class1[order[end]] == score) ++end;
    const std::int64_t first_rank = static_cast<std::int64_t>(start) + 1;
    const std::int64_t last_rank = static_cast<std::int64_t>(end);
    for (std::size_t k = start; k < end; ++k) {
      if (labels[order[k]] == positive_class) twice_rank_sum += first_rank + last_rank;
    }
    start = end;
  }
  const std::int64_t twice_u = twice_rank_sum - positives * (positives + 1);
  return static_cast<double>(twice_u) /
         (2.0 * static_cast<double>(positives) * static_cast<double>(negatives));
}

Json to_json(const RocCurve& curve) {
  Json json = Json::object();
  json.set("positive_class", curve.positive_name);
  json.set("positives", curve.positives);
  json.set("negatives", curve.negatives);
  json.set("rule", "a case is called positive when its positive-class probability >= threshold");
  Json points = Json::array();
  for (const RocPoint& point : curve.points) {
    Json entry = Json::object();
    // The first threshold is +infinity, which JSON cannot hold: null, with the rule above.
    entry.set("threshold", number_or_null(point.threshold));
    entry.set("true_positives", point.true_positives);
    entry.set("false_positives", point.false_positives);
    entry.set("true_positive_rate", point.true_positive_rate);
    entry.set("false_positive_rate", point.false_positive_rate);
    points.push_back(std::move(entry));
  }
  json.set("points", std::move(points));
  json.set("auc", area_under_curve(curve));
  json.set("auc_method", "trapezoid rule (= Mann-Whitney U / (positives x negatives))");
  return json;
}

}  // namespace engine::metrics
