// Training curves: loss or accuracy per epoch, several series, stage boundaries and the best
// epoch as labelled vertical lines.
#include <algorithm>
#include <cmath>
#include <limits>

#include "apps/report/chart_frame.h"
#include "apps/report/charts.h"

namespace engine::report {

namespace {

constexpr double chart_width = 640;
const PlotArea plot_area{70, 40, 540, 250};

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void include(double value) {
    low = std::min(low, value);
    high = std::max(high, value);
  }
  bool empty() const { return low > high; }
};

Range value_range(const LineChart& chart) {
  Range range;
  for (const LineSeries& series : chart.series) {
    for (const auto& value : series.values) {
      if (value && std::isfinite(*value)) range.include(*value);
    }
  }
  return range;
}

// Consecutive recorded points form one line; a gap (nullopt) starts a new one.
std::vector<std::vector<Point>> segments(const LineSeries& series, const std::vector<double>& x,
                                         const Scale& x_scale, const Scale& y_scale) {
  std::vector<std::vector<Point>> result(1);
  const std::size_t n = std::min(series.values.size(), x.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto& value = series.values[i];
    if (value && std::isfinite(*value)) {
      result.back().push_back({x_scale(x[i]), y_scale(*value)});
    } else if (!result.back().empty()) {
      result.emplace_back();
    }
  }
  if (result.back().empty()) result.pop_back();
  return result;
}

}  // namespace

std::string line_chart_svg(const LineChart& chart) {
  const std::size_t legend_lines = chart.series.size();
  const double height =
      plot_area.bottom() + 44 + legend_line_height * static_cast<double>(legend_lines) + 8;
  SvgDocument svg(chart_width, height, chart.title);

  Range x_range;
  for (const double x : chart.x) x_range.include(x);
  if (x_range.empty()) x_range = Range{1, 1};
  const TickAxis x_axis = nice_axis(x_range.low, x_range.high, 8, chart.integer_x);

  Range y_range = value_range(chart);
  TickAxis y_axis;
  if (chart.y_range) {
    y_axis = nice_axis((*chart.y_range)[0], (*chart.y_range)[1], 5);
  } else {
    // Losses start at zero, so a small change is not drawn as a steep fall.
    if (y_range.empty()) y_range = Range{0, 1};
    y_axis = nice_axis(std::min(0.0, y_range.low), y_range.high, 5);
  }
  const Scale x_scale{x_axis.low, x_axis.high, plot_area.left, plot_area.right()};
  const Scale y_scale{y_axis.low, y_axis.high, plot_area.bottom(), plot_area.top};
  draw_frame(svg, plot_area, x_scale, y_scale, x_axis.ticks, y_axis.ticks,
             {chart.title, chart.x_title, chart.y_title}, "", chart.y_suffix);

  for (std::size_t m = 0; m < chart.marks.size(); ++m) {
    const double px = x_scale(chart.marks[m].x);
    svg.line({px, plot_area.top}, {px, plot_area.bottom()}, Stroke{reference_colour, 1, "4 3"});
    // Labels step down so marks on neighbouring epochs do not print over each other; near the
    // right edge they sit left of their line so they stay inside the chart.
    const bool near_right = px > plot_area.left + 0.75 * plot_area.width;
    svg.text({near_right ? px - 3 : px + 3, plot_area.top + 12 + 12 * static_cast<double>(m % 3)},
             chart.marks[m].label,
             TextStyle{9, near_right ? Anchor::end : Anchor::start, false, 0, reference_colour});
  }

  std::vector<LegendEntry> legend;
  if (y_range.empty()) {
    svg.text({plot_area.left + plot_area.width / 2, plot_area.top + plot_area.height / 2},
             "no values recorded", TextStyle{12, Anchor::middle, false, 0, reference_colour});
  }
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const LineSeries& series = chart.series[s];
    const Stroke stroke = series_stroke(s);
    bool any = false;
    for (const auto& line : segments(series, chart.x, x_scale, y_scale)) {
      any = true;
      svg.polyline(line, stroke);
      for (const Point& point : line)
        svg.circle(point, 2.5, stroke.colour, Stroke{stroke.colour, 1, ""});
    }
    legend.push_back({any ? series.name : series.name + " (no values recorded)", stroke, true});
  }
  draw_legend(svg, plot_area.left, plot_area.bottom() + 44, legend);
  draw_notice(svg, chart.notice);
  return svg.finish();
}

}  // namespace engine::report
