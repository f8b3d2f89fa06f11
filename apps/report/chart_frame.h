// What every chart shares: linear scales, "nice" tick positions, the frame with its grid, tick
// labels, axis titles and chart title, the legend, and a palette that stays distinguishable in
// grey-scale print (each series has its own colour and its own dash pattern).
#pragma once

#include <string>
#include <vector>

#include "apps/report/svg.h"

namespace engine::report {

// Maps data values in [low, high] linearly onto pixels [from, to] (to < from for y axes).
struct Scale {
  double low = 0;
  double high = 1;
  double from = 0;
  double to = 1;
  double operator()(double value) const;
};

// Tick positions k * step with step 1, 2 or 5 times a power of ten, about `target` of them,
// covering [low, high]; the axis range is widened to the outer ticks. An empty or single-value
// range is widened so it still has a length. integer_steps keeps the step at 1 or more (epochs).
struct TickAxis {
  double low = 0;
  double high = 1;
  std::vector<double> ticks;
};
TickAxis nice_axis(double low, double high, int target = 5, bool integer_steps = false);

struct PlotArea {
  double left = 0;
  double top = 0;
  double width = 0;
  double height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

struct AxisTitles {
  std::string chart;
  std::string x;
  std::string y;
};

// The chart title above the area, grid lines and tick labels at the ticks, the axis titles.
// tick_suffix is appended to tick labels ("%" on percentage axes).
void draw_frame(SvgDocument& svg, const PlotArea& area, const Scale& x, const Scale& y,
                const std::vector<double>& x_ticks, const std::vector<double>& y_ticks,
                const AxisTitles& titles, const std::string& x_suffix = "",
                const std::string& y_suffix = "");

// The notice (e.g. "SYNTHETIC DATA") in red at the top left; nothing when it is empty.
void draw_notice(SvgDocument& svg, const std::string& notice);

// The title alone, centred over the whole chart (charts without axes use it).
void draw_title(SvgDocument& svg, double chart_width, const std::string& title);

struct LegendEntry {
  std::string text;
  Stroke stroke;
  bool marker = true;  // a dot on the sample line, as on the series
};
inline constexpr double legend_line_height = 18;
// One entry per line starting at `top`; returns the y below the last entry.
double draw_legend(SvgDocument& svg, double left, double top,
                   const std::vector<LegendEntry>& entries);

// Series style number `index` (cycles after eight): Okabe-Ito colours, distinct dashes.
Stroke series_stroke(std::size_t index);
// Light grey for grids, darker grey for reference lines.
inline const char* const grid_colour = "#d9d9d9";
inline const char* const reference_colour = "#666666";

// Rough width of a text in pixels for layout (no font metrics offline): 0.6 em per character.
double text_width(const std::string& text, double font_size);

}  // namespace engine::report
