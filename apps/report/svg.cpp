#include "apps/report/svg.h"

#include <charconv>
#include <cmath>

namespace engine::report {

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char character : text) {
    switch (character) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      case '\t':
      case '\n': escaped += character; break;
      default:
        if (static_cast<unsigned char>(character) < 0x20) {
          escaped += "\xEF\xBF\xBD";  // U+FFFD in UTF-8
        } else {
          escaped += character;
        }
    }
  }
  return escaped;
}

std::string coordinate(double value) {
  if (!std::isfinite(value)) value = 0;  // a layout bug must not produce an unreadable file
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 2);
  std::string text(buffer, result.ptr);
  if (text == "-0.00") text = "0.00";
  return text;
}

namespace {

std::string stroke_attributes(const Stroke& stroke) {
  std::string attributes = " stroke=\"" + xml_escape(stroke.colour) + "\"";
  attributes += " stroke-width=\"" + coordinate(stroke.width) + "\"";
  if (!stroke.dash.empty()) attributes += " stroke-dasharray=\"" + xml_escape(stroke.dash) + "\"";
  return attributes;
}

const char* anchor_name(Anchor anchor) {
  switch (anchor) {
    case Anchor::start: return "start";
    case Anchor::middle: return "middle";
    case Anchor::end: return "end";
  }
  return "start";
}

}  // namespace

SvgDocument::SvgDocument(double width, double height, std::string_view title)
    : width_(width), height_(height) {
  body_ += "<title>" + xml_escape(title) + "</title>\n";
  // A white background, so the plot stays readable on dark viewers and when printed.
  rectangle({0, 0}, width, height, "#ffffff");
}

void SvgDocument::line(Point from, Point to, const Stroke& stroke) {
  body_ += "<line x1=\"" + coordinate(from.x) + "\" y1=\"" + coordinate(from.y) + "\" x2=\"" +
           coordinate(to.x) + "\" y2=\"" + coordinate(to.y) + "\"" + stroke_attributes(stroke) +
           "/>\n";
}

void SvgDocument::polyline(const std::vector<Point>& points, const Stroke& stroke) {
  if (points.empty()) return;
  std::string list;
  for (const Point& point : points) {
    if (!list.empty()) list += ' ';
    list += coordinate(point.x) + "," + coordinate(point.y);
  }
  body_ += "<polyline fill=\"none\" points=\"" + list + "\"" + stroke_attributes(stroke) + "/>\n";
}

void SvgDocument::rectangle(Point corner, double width, double height, std::string_view fill,
                            const Stroke& stroke) {
  body_ += "<rect x=\"" + coordinate(corner.x) + "\" y=\"" + coordinate(corner.y) + "\" width=\"" +
           coordinate(width) + "\" height=\"" + coordinate(height) + "\" fill=\"" +
           xml_escape(fill) + "\"";
  if (stroke.width > 0) body_ += stroke_attributes(stroke);
  body_ += "/>\n";
}

void SvgDocument::circle(Point centre, double radius, std::string_view fill, const Stroke& stroke) {
  body_ += "<circle cx=\"" + coordinate(centre.x) + "\" cy=\"" + coordinate(centre.y) + "\" r=\"" +
           coordinate(radius) + "\" fill=\"" + xml_escape(fill) + "\"" + stroke_attributes(stroke) +
           "/>\n";
}

void SvgDocument::text(Point at, std::string_view content, const TextStyle& style) {
  body_ += "<text x=\"" + coordinate(at.x) + "\" y=\"" + coordinate(at.y) + "\" font-size=\"" +
           coordinate(style.size) + "\" text-anchor=\"" + anchor_name(style.anchor) + "\"";
  if (style.bold) body_ += " font-weight=\"bold\"";
  if (style.colour != "#000000") body_ += " fill=\"" + xml_escape(style.colour) + "\"";
  if (style.rotate != 0) {
    body_ += " transform=\"rotate(" + coordinate(style.rotate) + " " + coordinate(at.x) + " " +
             coordinate(at.y) + ")\"";
  }
  body_ += '>';
  body_ += xml_escape(content);
  body_ += "</text>\n";
}

std::string SvgDocument::finish() const {
  // Fixed pixel size plus a viewBox: the HTML's CSS may scale it down to the page width.
  // font-family is generic (no web fonts: the report must render offline).
  const std::string w = coordinate(width_);
  const std::string h = coordinate(height_);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h +
         "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" role=\"img\">\n" + body_ +
         "</svg>\n";
}

}  // namespace engine::report
