// ROC curves of several models on one plot, with the chance diagonal. Rates are shown as
// percentages of the true negative and true positive cases, named by class.
#include "apps/report/chart_frame.h"
#include "apps/report/charts.h"

namespace engine::report {

namespace {

constexpr double chart_width = 640;
const PlotArea plot_area{90, 40, 360, 360};

}  // namespace

std::string roc_chart_svg(const RocChart& chart) {
  const double legend_top = plot_area.bottom() + 44;
  const double height =
      legend_top + legend_line_height * static_cast<double>(chart.curves.size() + 1) + 8;
  SvgDocument svg(chart_width, height, chart.title);
  const TickAxis axis = nice_axis(0, 100, 5);
  const Scale x{0, 100, plot_area.left, plot_area.right()};
  const Scale y{0, 100, plot_area.bottom(), plot_area.top};
  draw_frame(
      svg, plot_area, x, y, axis.ticks, axis.ticks,
      {chart.title,
       "False positive rate: % of true " + chart.negative_class + " called " + chart.positive_class,
       "True positive rate: % of true " + chart.positive_class + " found"},
      "%", "%");
  const Stroke chance{reference_colour, 1, "4 3"};
  svg.line({x(0), y(0)}, {x(100), y(100)}, chance);

  std::vector<LegendEntry> legend;
  for (std::size_t c = 0; c < chart.curves.size(); ++c) {
    const Stroke stroke = series_stroke(c);
    std::vector<Point> points;
    for (const RocPoint& point : chart.curves[c].points) {
      points.push_back({x(100 * point.false_positive_rate), y(100 * point.true_positive_rate)});
    }
    svg.polyline(points, stroke);
    legend.push_back({chart.curves[c].legend, stroke, false});
  }
  legend.push_back({"chance (AUC 0.500)", chance, false});
  draw_legend(svg, plot_area.left - 60, legend_top, legend);
  draw_notice(svg, chart.notice);
  return svg.finish();
}

}  // namespace engine::report
