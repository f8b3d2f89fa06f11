// The 2x2 confusion matrix as a figure: counts, and each count as a percentage of its true
// class (the row), shaded by that percentage in grey so it survives black-and-white print.
#include <cmath>
#include <cstdio>

#include "apps/report/chart_frame.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"

namespace engine::report {

namespace {

constexpr double chart_width = 520;
constexpr double cell_width = 150;
constexpr double cell_height = 90;
constexpr double grid_left = 190;
constexpr double grid_top = 80;

// From near white (fraction 0) to dark grey (fraction 1).
std::string grey(double fraction) {
  const int level = static_cast<int>(std::lround(245 - fraction * (245 - 70)));
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", level, level, level);
  return text;
}

}  // namespace

std::string confusion_chart_svg(const ConfusionChart& chart) {
  const double height = grid_top + 2 * cell_height + 50;
  SvgDocument svg(chart_width, height, chart.title);
  draw_title(svg, chart_width, chart.title);
  const TextStyle header{12, Anchor::middle, true, 0, "#000000"};
  svg.text({grid_left + cell_width, grid_top - 30}, "Predicted class", header);
  TextStyle row_title = header;
  row_title.rotate = -90;
  svg.text({grid_left - 120, grid_top + cell_height}, "True class", row_title);

  for (int column = 0; column < 2; ++column) {
    svg.text({grid_left + cell_width * (column + 0.5), grid_top - 10}, chart.classes[column],
             TextStyle{12, Anchor::middle, false, 0, "#000000"});
  }
  for (int row = 0; row < 2; ++row) {
    const double top = grid_top + cell_height * row;
    svg.text({grid_left - 10, top + cell_height / 2 + 4}, chart.classes[row],
             TextStyle{12, Anchor::end, false, 0, "#000000"});
    const std::int64_t row_total = chart.counts[row][0] + chart.counts[row][1];
    for (int column = 0; column < 2; ++column) {
      const std::int64_t value = chart.counts[row][column];
      const double fraction =
          row_total > 0 ? static_cast<double>(value) / static_cast<double>(row_total) : 0;
      const Point corner{grid_left + cell_width * column, top};
      svg.rectangle(corner, cell_width, cell_height, grey(fraction), Stroke{"#000000", 1, ""});
      const std::string ink = fraction > 0.5 ? "#ffffff" : "#000000";
      const double centre = corner.x + cell_width / 2;
      svg.text({centre, top + 40}, count(value), TextStyle{20, Anchor::middle, true, 0, ink});
      const std::string share = row_total > 0 ? percent(fraction) + " of true " + chart.classes[row]
                                              : missing("no true " + chart.classes[row]);
      svg.text({centre, top + 62}, share, TextStyle{10, Anchor::middle, false, 0, ink});
    }
  }
  svg.text({grid_left + cell_width, height - 14},
           "Cells: number of cases (percentage of the row's true class)",
           TextStyle{10, Anchor::middle, false, 0, reference_colour});
  draw_notice(svg, chart.notice);
  return svg.finish();
}

}  // namespace engine::report
