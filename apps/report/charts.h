// The report's five kinds of chart. Each takes plain data (already read from results.json) and
// returns one complete SVG document. Every chart has a title, axis titles with units and, where
// several series share it, a legend. Values are proportions in [0, 1] unless stated; the charts
// show them as percentages.
//
// Each chart's `notice`, when not empty, is printed in red in its top left corner: the report
// puts "SYNTHETIC DATA" there for phantom runs, so a plot copied out of the report on its own
// still says what it was measured on.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace engine::report {

// A labelled vertical line across a chart (stage boundaries, best epoch, a published figure).
struct VerticalMark {
  double x = 0;
  std::string label;
};

struct LineSeries {
  std::string name;
  std::vector<std::optional<double>> values;  // one per x; nullopt where not recorded
};

// Several series over shared x values. A missing value breaks the line; an isolated value is
// still drawn as a dot. With y_range the y axis is fixed (0-100 for percentages).
struct LineChart {
  std::string title;
  std::string notice;
  std::string x_title;
  std::string y_title;
  std::string y_suffix;  // appended to y tick labels, e.g. "%"
  std::vector<double> x;
  std::vector<LineSeries> series;
  std::vector<VerticalMark> marks;
  std::optional<std::array<double, 2>> y_range;
  bool integer_x = true;  // epochs
};
std::string line_chart_svg(const LineChart& chart);

struct RocPoint {
  double false_positive_rate = 0;
  double true_positive_rate = 0;
};
struct RocSeries {
  std::string legend;            // name and AUC, e.g. "resnet18 (AUC 0.947 [0.902, 0.981])"
  std::vector<RocPoint> points;  // empty: no curve (the legend should say why)
};
struct RocChart {
  std::string title;
  std::string notice;
  std::string positive_class;
  std::string negative_class;
  std::vector<RocSeries> curves;
};
std::string roc_chart_svg(const RocChart& chart);

// Rows: true class; columns: predicted class (metrics::ConfusionMatrix's layout).
struct ConfusionChart {
  std::string title;
  std::string notice;
  std::array<std::string, 2> classes;
  std::array<std::array<std::int64_t, 2>, 2> counts{};
};
std::string confusion_chart_svg(const ConfusionChart& chart);

struct ReliabilityBar {
  double lower = 0;
  double upper = 0;
  std::int64_t count = 0;
  std::optional<double> accuracy;  // nullopt for an empty bin
};
struct ReliabilityChart {
  std::string title;
  std::string notice;
  std::vector<ReliabilityBar> bins;
};
std::string reliability_chart_svg(const ReliabilityChart& chart);

// One row per model: a dot at the value, a bar from lower to upper, and the numbers in text.
struct IntervalRow {
  std::string label;
  std::optional<double> value;
  std::optional<double> lower;
  std::optional<double> upper;
};
struct IntervalChart {
  std::string title;
  std::string notice;
  std::string x_title;
  std::vector<IntervalRow> rows;
  std::optional<VerticalMark> reference;  // x as a proportion
};
std::string interval_chart_svg(const IntervalChart& chart);

}  // namespace engine::report
