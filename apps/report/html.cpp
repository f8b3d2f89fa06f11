// The report as one HTML file that needs nothing else: inline CSS (screen and print), inline
// SVG figures, no scripts, no fonts or images from elsewhere. Every text is XML-escaped.
#include "apps/report/document.h"
#include "apps/report/svg.h"

namespace engine::report {

namespace {

// Print rules: tables and figures are not split across pages, the banner keeps its border
// without relying on a background colour (many printers drop backgrounds).
const char* const style_sheet =
    "body { font-family: \"DejaVu Sans\", Arial, Helvetica, sans-serif; max-width: 62rem;"
    " margin: 1.5rem auto; padding: 0 1rem; color: #111111; line-height: 1.4; }\n"
    "h1 { font-size: 1.6rem; }\n"
    "h2 { font-size: 1.3rem; border-bottom: 1px solid #999999; margin-top: 2rem; }\n"
    "h3 { font-size: 1.1rem; margin-top: 1.5rem; }\n"
    "table { border-collapse: collapse; margin: 0.5rem 0 0.3rem 0; font-size: 0.88rem; }\n"
    "caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }\n"
    "th, td { border: 1px solid #888888; padding: 0.2rem 0.5rem; vertical-align: top; }\n"
    "th { background: #eeeeee; text-align: left; }\n"
    "td.number { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "ul.notes { font-size: 0.82rem; color: #333333; margin-top: 0.2rem; }\n"
    ".banner { border: 4px solid #b00020; padding: 0.4rem 1rem; margin: 1rem 0;"
    " background: #fff0f0; }\n"
    ".banner p { margin: 0.3rem 0; }\n"
    ".banner .banner-title { font-size: 1.3rem; font-weight: bold; color: #b00020; }\n"
    "figure { margin: 1rem 0; }\n"
    "figure svg { max-width: 100%; height: auto; }\n"
    "figcaption { font-size: 0.88rem; font-style: italic; }\n"
    "@media print {\n"
    "  body { max-width: none; margin: 0; font-size: 10pt; }\n"
    "  table, figure { break-inside: avoid; }\n"
    "  h2, h3 { break-after: avoid; }\n"
    "  .banner { background: none; }\n"
    "}\n";

void render(std::string& out, const Heading& heading) {
  // Appended piece by piece: "h" + std::string trips a false -Wrestrict warning in GCC 12.
  std::string tag = "h";
  tag += std::to_string(heading.level);
  out += "<" + tag + ">" + xml_escape(heading.text) + "</" + tag + ">\n";
}

void render(std::string& out, const Paragraph& paragraph) {
  out += "<p>";
  if (!paragraph.label.empty()) out += "<strong>" + xml_escape(paragraph.label) + ":</strong> ";
  out += xml_escape(paragraph.text) + "</p>\n";
}

void render(std::string& out, const Banner& banner) {
  out += "<div class=\"banner\" role=\"alert\">\n<p class=\"banner-title\">" +
         xml_escape(banner.title) + "</p>\n<p>" + xml_escape(banner.text) + "</p>\n</div>\n";
}

void render(std::string& out, const BulletList& list) {
  out += "<ul>\n";
  for (const std::string& item : list.items) out += "<li>" + xml_escape(item) + "</li>\n";
  out += "</ul>\n";
}

void render(std::string& out, const Table& table) {
  if (table.rows.empty()) {
    if (!table.caption.empty())
      out += "<p><strong>" + xml_escape(table.caption) + "</strong></p>\n";
    out += "<p>(no rows)</p>\n";
  } else {
    out += "<table>\n";
    if (!table.caption.empty()) out += "<caption>" + xml_escape(table.caption) + "</caption>\n";
    out += "<thead>\n<tr>";
    for (const std::string& cell : table.header) out += "<th>" + xml_escape(cell) + "</th>";
    out += "</tr>\n</thead>\n<tbody>\n";
    for (const auto& row : table.rows) {
      out += "<tr>";
      for (std::size_t c = 0; c < table.header.size(); ++c) {
        const bool right = c < table.align.size() && table.align[c] == Align::right;
        out += right ? "<td class=\"number\">" : "<td>";
        if (c < row.size()) out += xml_escape(row[c]);
        out += "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }
  if (table.notes.empty()) return;
  out += "<ul class=\"notes\">\n";
  for (const std::string& note : table.notes) out += "<li>" + xml_escape(note) + "</li>\n";
  out += "</ul>\n";
}

void render(std::string& out, const Figure& figure) {
  out += "<figure>\n" + figure.svg + "<figcaption>Figure: " + xml_escape(figure.caption) +
         " (also saved as " + xml_escape(figure.file) + ")</figcaption>\n</figure>\n";
}

}  // namespace

std::string render_html(const Document& document, const std::string& generator) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"generator\" content=\"" + xml_escape(generator) + "\">\n";
  out += "<title>" + xml_escape(document.title) + "</title>\n<style>\n";
  out += style_sheet;
  out += "</style>\n</head>\n<body>\n";
  for (const Block& block : document.blocks) {
    std::visit([&out](const auto& item) { render(out, item); }, block);
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace engine::report
