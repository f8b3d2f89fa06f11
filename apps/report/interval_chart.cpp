// Per-model values with their 95% intervals as dots and horizontal bars, the numbers written
// beside them, and an optional labelled reference line.
#include <algorithm>
#include <limits>

#include "apps/report/chart_frame.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"

namespace engine::report {

namespace {

constexpr double chart_width = 720;
constexpr double row_height = 28;
constexpr double value_column = 190;  // right margin for "93.2% [86.2%, 96.9%]"

}  // namespace

std::string interval_chart_svg(const IntervalChart& chart) {
  double label_width = 80;
  for (const IntervalRow& row : chart.rows) {
    label_width = std::max(label_width, text_width(row.label, 11));
  }
  label_width = std::min(label_width, 240.0);
  const PlotArea area{
      label_width + 20, 50, chart_width - label_width - 20 - value_column,
      row_height * static_cast<double>(std::max<std::size_t>(chart.rows.size(), 1))};
  const double height = area.bottom() + 50;
  SvgDocument svg(chart_width, height, chart.title);

  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const IntervalRow& row : chart.rows) {
    for (const auto& value : {row.value, row.lower, row.upper}) {
      if (value) {
        low = std::min(low, *value);
        high = std::max(high, *value);
      }
    }
  }
  if (chart.reference) {
    low = std::min(low, chart.reference->x);
    high = std::max(high, chart.reference->x);
  }
  if (low > high) {
    low = 0;
    high = 1;
  }
  const TickAxis axis = nice_axis(std::max(0.0, 100 * low - 5), std::min(100.0, 100 * high + 5), 5);
  const Scale x{axis.low, axis.high, area.left, area.right()};
  const Scale no_y{0, 1, area.bottom(), area.top};
  draw_frame(svg, area, x, no_y, axis.ticks, {}, {chart.title, chart.x_title, ""}, "%", "");

  const Stroke bar{"#000000", 1.5, ""};
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    const IntervalRow& row = chart.rows[r];
    const double middle = area.top + row_height * (static_cast<double>(r) + 0.5);
    svg.text({area.left - 8, middle + 4}, row.label,
             TextStyle{11, Anchor::end, false, 0, "#000000"});
    std::string numbers = row.value ? percent(*row.value) : missing("not recorded");
    if (row.lower && row.upper) {
      const double left = x(100 * *row.lower);
      const double right = x(100 * *row.upper);
      svg.line({left, middle}, {right, middle}, bar);
      svg.line({left, middle - 6}, {left, middle + 6}, bar);
      svg.line({right, middle - 6}, {right, middle + 6}, bar);
      numbers += ' ';
      numbers += percent_interval(*row.lower, *row.upper);
    }
    if (row.value)
      svg.circle({x(100 * *row.value), middle}, 4, "#0072B2", Stroke{"#000000", 1, ""});
    svg.text({area.right() + 8, middle + 4}, numbers,
             TextStyle{11, Anchor::start, false, 0, "#000000"});
  }
  if (chart.reference) {
    const double px = x(100 * chart.reference->x);
    svg.line({px, area.top - 6}, {px, area.bottom()}, Stroke{"#D55E00", 1.5, "5 3"});
    svg.text({px, area.top - 10}, chart.reference->label,
             TextStyle{10, Anchor::middle, false, 0, "#D55E00"});
  }
  draw_notice(svg, chart.notice);
  return svg.finish();
}

}  // namespace engine::report
