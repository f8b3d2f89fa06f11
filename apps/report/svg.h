// A minimal SVG writer for the report's plots: a document that collects shapes and text and
// returns the finished markup. No dependencies, and deterministic: coordinates are written with
// two decimals by std::to_chars (locale-independent), so the same chart gives the same bytes on
// every machine. All text passes through xml_escape; nothing taken from results.json can inject
// markup into a plot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace engine::report {

// Escapes & < > " ' as XML entities. Control characters other than tab and newline are not
// allowed in XML 1.0 even as references, so they become U+FFFD (the replacement character).
std::string xml_escape(std::string_view text);

// A coordinate or length with two decimals, "-0.00" written as "0.00".
std::string coordinate(double value);

struct Point {
  double x = 0;
  double y = 0;
};

struct Stroke {
  std::string colour = "#000000";
  double width = 1;
  std::string dash;  // SVG stroke-dasharray, empty for a solid line
};

enum class Anchor { start, middle, end };

struct TextStyle {
  double size = 12;
  Anchor anchor = Anchor::start;
  bool bold = false;
  double rotate = 0;  // degrees, about the text's anchor point
  std::string colour = "#000000";
};

class SvgDocument {
 public:
  // title becomes the <title> element (shown by viewers and read by screen readers).
  SvgDocument(double width, double height, std::string_view title);

  void line(Point from, Point to, const Stroke& stroke);
  void polyline(const std::vector<Point>& points, const Stroke& stroke);
  // fill "none" leaves the inside empty; stroke width 0 draws no outline.
  void rectangle(Point corner, double width, double height, std::string_view fill,
                 const Stroke& stroke = Stroke{"none", 0, ""});
  void circle(Point centre, double radius, std::string_view fill, const Stroke& stroke);
  void text(Point at, std::string_view content, const TextStyle& style = TextStyle{});

  // The complete <svg> element, ending with a newline.
  std::string finish() const;

 private:
  double width_;
  double height_;
  std::string body_;
};

}  // namespace engine::report
