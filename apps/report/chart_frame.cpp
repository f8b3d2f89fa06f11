#include "apps/report/chart_frame.h"

#include <array>
#include <cmath>

#include "apps/report/format.h"

namespace engine::report {

double Scale::operator()(double value) const {
  if (high == low) return (from + to) / 2;
  return from + (value - low) / (high - low) * (to - from);
}

TickAxis nice_axis(double low, double high, int target, bool integer_steps) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    low = 0;
    high = 1;
  }
  if (high < low) std::swap(low, high);
  if (high == low) {
    // One value: give it room on both sides (a single epoch, a constant loss).
    const double pad = low == 0 ? 1 : std::abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const double raw_step = (high - low) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  const double residual = raw_step / magnitude;
  double step = magnitude * (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10);
  if (integer_steps && step < 1) step = 1;
  // Integer multiples of the step (no accumulated rounding); the small tolerance keeps a value
  // that sits on a tick, up to rounding, from adding a whole empty step.
  const double first = std::floor(low / step + 1e-9);
  const double last = std::ceil(high / step - 1e-9);
  TickAxis axis;
  axis.low = first * step;
  axis.high = last * step;
  for (double k = first; k <= last; k += 1) axis.ticks.push_back(k * step);
  return axis;
}

void draw_notice(SvgDocument& svg, const std::string& notice) {
  if (notice.empty()) return;
  svg.text({6, 13}, notice, TextStyle{10, Anchor::start, true, 0, "#b00020"});
}

void draw_title(SvgDocument& svg, double chart_width, const std::string& title) {
  svg.text({chart_width / 2, 22}, title, TextStyle{14, Anchor::middle, true, 0, "#000000"});
}

void draw_frame(SvgDocument& svg, const PlotArea& area, const Scale& x, const Scale& y,
                const std::vector<double>& x_ticks, const std::vector<double>& y_ticks,
                const AxisTitles& titles, const std::string& x_suffix,
                const std::string& y_suffix) {
  const Stroke grid{grid_colour, 1, ""};
  const TextStyle tick_style{10, Anchor::middle, false, 0, "#000000"};
  for (const double tick : x_ticks) {
    const double px = x(tick);
    svg.line({px, area.top}, {px, area.bottom()}, grid);
    svg.text({px, area.bottom() + 14}, significant(tick, 4) + x_suffix, tick_style);
  }
  TextStyle y_tick_style = tick_style;
  y_tick_style.anchor = Anchor::end;
  for (const double tick : y_ticks) {
    const double py = y(tick);
    svg.line({area.left, py}, {area.right(), py}, grid);
    svg.text({area.left - 5, py + 3.5}, significant(tick, 4) + y_suffix, y_tick_style);
  }
  svg.rectangle({area.left, area.top}, area.width, area.height, "none", Stroke{"#000000", 1, ""});
  svg.text({area.left + area.width / 2, area.bottom() + 32}, titles.x,
           TextStyle{11, Anchor::middle, false, 0, "#000000"});
  svg.text({area.left - 48, area.top + area.height / 2}, titles.y,
           TextStyle{11, Anchor::middle, false, -90, "#000000"});
  svg.text({area.left + area.width / 2, 22}, titles.chart,
           TextStyle{14, Anchor::middle, true, 0, "#000000"});
}

double draw_legend(SvgDocument& svg, double left, double top,
                   const std::vector<LegendEntry>& entries) {
  double y = top;
  for (const LegendEntry& entry : entries) {
    const double middle = y + legend_line_height / 2;
    svg.line({left, middle}, {left + 28, middle}, entry.stroke);
    if (entry.marker) svg.circle({left + 14, middle}, 3, entry.stroke.colour, entry.stroke);
    svg.text({left + 36, middle + 4}, entry.text,
             TextStyle{11, Anchor::start, false, 0, "#000000"});
    y += legend_line_height;
  }
  return y;
}

Stroke series_stroke(std::size_t index) {
  // Okabe & Ito (2008) colour-blind safe colours; dashes tell the series apart in grey print.
  static const std::array<const char*, 8> colours = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                     "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  static const std::array<const char*, 8> dashes = {"",    "6 3", "2 2",      "8 3 2 3",
                                                    "4 4", "1 3", "10 2 2 2", "3 6"};
  return Stroke{colours[index % colours.size()], 2, dashes[index % dashes.size()]};
}

double text_width(const std::string& text, double font_size) {
  // Count code points, not bytes, so "—" or accented names are not counted three times.
  std::size_t characters = 0;
  for (const char byte : text) {
    if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) ++characters;
  }
  return 0.6 * font_size * static_cast<double>(characters);
}

}  // namespace engine::report
