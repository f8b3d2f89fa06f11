// The reliability diagram: for each confidence bin, the accuracy of its cases as a bar, the
// number of cases above it, and the diagonal where accuracy equals confidence (perfect
// calibration). Confidence is max(p, 1 - p), so it is never below 50% and the axis starts at
// the lowest bin that holds cases.
#include <algorithm>

#include "apps/report/chart_frame.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"

namespace engine::report {

namespace {

constexpr double chart_width = 640;
const PlotArea plot_area{70, 40, 540, 250};

}  // namespace

std::string reliability_chart_svg(const ReliabilityChart& chart) {
  const double legend_top = plot_area.bottom() + 44;
  const double height = legend_top + 2 * legend_line_height + 8;
  SvgDocument svg(chart_width, height, chart.title);

  double low = 0.5;
  for (const ReliabilityBar& bin : chart.bins) {
    if (bin.count > 0) low = std::min(low, bin.lower);
  }
  const TickAxis x_axis = nice_axis(100 * low, 100, 5);
  const TickAxis y_axis = nice_axis(0, 100, 5);
  const Scale x{x_axis.low, x_axis.high, plot_area.left, plot_area.right()};
  const Scale y{0, 100, plot_area.bottom(), plot_area.top};
  draw_frame(svg, plot_area, x, y, x_axis.ticks, y_axis.ticks,
             {chart.title, "Confidence: probability of the predicted class (%)",
              "Accuracy of the bin's cases (%)"},
             "%", "%");

  const Stroke bar_outline{"#000000", 1, ""};
  bool any = false;
  for (const ReliabilityBar& bin : chart.bins) {
    if (bin.count == 0 || !bin.accuracy) continue;
    any = true;
    const double left = x(std::max(100 * bin.lower, x_axis.low));
    const double right = x(100 * bin.upper);
    const double top = y(100 * *bin.accuracy);
    svg.rectangle({left, top}, right - left, plot_area.bottom() - top, "#9ecae1", bar_outline);
    svg.text({(left + right) / 2, top - 4}, "n=" + count(bin.count),
             TextStyle{9, Anchor::middle, false, 0, "#000000"});
  }
  if (!any) {
    svg.text({plot_area.left + plot_area.width / 2, plot_area.top + plot_area.height / 2},
             "no cases", TextStyle{12, Anchor::middle, false, 0, reference_colour});
  }
  const Stroke diagonal{reference_colour, 1.5, "4 3"};
  svg.line({x(x_axis.low), y(x_axis.low)}, {x(100), y(100)}, diagonal);
  draw_legend(svg, plot_area.left, legend_top,
              {{"accuracy of the cases in the bin (bar; n = cases in the bin)",
                Stroke{"#9ecae1", 8, ""}, false},
               {"perfect calibration: accuracy = confidence", diagonal, false}});
  draw_notice(svg, chart.notice);
  return svg.finish();
}

}  // namespace engine::report
