// GitHub-flavoured markdown rendering of the report document. Text is escaped with backslashes
// (CommonMark lets any ASCII punctuation be escaped), so names from results.json can neither
// become HTML (GitHub renders inline HTML) nor markdown structure (emphasis, links, table
// cells); line breaks inside a text become spaces so they cannot start a new block. Characters
// that are only special in some places are escaped only there, so that the raw file stays
// readable as plain text.
#include <cctype>
#include <string_view>

#include "apps/report/document.h"

namespace engine::report {

namespace {

// `block_start`: the text begins a paragraph, heading or list item, where a leading "-", "+",
// "=", "#", "[ ]" or "12." would start a list, a heading or a task box. Inside a table cell
// only inline syntax applies.
std::string escape_markdown(const std::string& text, bool block_start = false) {
  std::string escaped;
  escaped.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char character = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (character) {
      // Emphasis, code, inline HTML, entities, table cells, strikethrough: always escaped.
      case '\\':
      case '`':
      case '*':
      case '<':
      case '>':
      case '|':
      case '&':
      case '~':
        escaped += '\\';
        escaped += character;
        break;
      // An underscore between two letters or digits cannot open or close emphasis
      // (CommonMark's intraword rule), so "efficientnet_b0" stays as it is.
      case '_':
        if (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
            !std::isalnum(static_cast<unsigned char>(next))) {
          escaped += '\\';
        }
        escaped += character;
        break;
      // A link or image needs "](", "][" or "]:" (a definition) or "!["; escaping the "]" or
      // "!" there is enough, and leaves intervals such as [91.0%, 95.1%] readable.
      case ']':
        if (next == '(' || next == '[' || next == ':') escaped += '\\';
        escaped += character;
        break;
      case '!':
        if (next == '[') escaped += '\\';
        escaped += character;
        break;
      case '\n':
      case '\r':
      case '\t': escaped += ' '; break;
      default:
        if (static_cast<unsigned char>(character) < 0x20) {
          escaped += "\xEF\xBF\xBD";  // U+FFFD, as in the SVG and HTML
        } else {
          escaped += character;
        }
    }
  }
  if (!block_start || escaped.empty()) return escaped;
  if (std::string_view("-+=#[").find(escaped[0]) != std::string_view::npos) {
    escaped.insert(escaped.begin(), '\\');
  }
  std::size_t digits = 0;
  while (digits < escaped.size() && std::isdigit(static_cast<unsigned char>(escaped[digits]))) {
    ++digits;
  }
  if (digits > 0 && digits < escaped.size() && (escaped[digits] == '.' || escaped[digits] == ')') &&
      (digits + 1 == escaped.size() || escaped[digits + 1] == ' ')) {
    escaped.insert(escaped.begin() + static_cast<std::ptrdiff_t>(digits), '\\');
  }
  return escaped;
}

void render(std::string& out, const Heading& heading) {
  out += std::string(static_cast<std::size_t>(heading.level), '#') + " " +
         escape_markdown(heading.text, true) + "\n\n";
}

void render(std::string& out, const Paragraph& paragraph) {
  if (!paragraph.label.empty()) out += "**" + escape_markdown(paragraph.label) + ":** ";
  out += escape_markdown(paragraph.text, paragraph.label.empty()) + "\n\n";
}

void render(std::string& out, const Banner& banner) {
  out += "> **" + escape_markdown(banner.title) + "**\n>\n> " + escape_markdown(banner.text, true) +
         "\n\n";
}

void render(std::string& out, const BulletList& list) {
  for (const std::string& item : list.items) out += "- " + escape_markdown(item, true) + "\n";
  out += "\n";
}

void render(std::string& out, const Table& table) {
  if (!table.caption.empty()) out += "**" + escape_markdown(table.caption) + "**\n\n";
  if (table.rows.empty()) {
    out += "(no rows)\n\n";
  } else {
    const std::size_t columns = table.header.size();
    out += "|";
    for (const std::string& cell : table.header) {
      out += ' ';
      out += escape_markdown(cell);
      out += " |";
    }
    out += "\n|";
    for (std::size_t c = 0; c < columns; ++c) {
      const bool right = c < table.align.size() && table.align[c] == Align::right;
      out += right ? " ---: |" : " --- |";
    }
    out += "\n";
    for (const auto& row : table.rows) {
      out += "|";
      for (std::size_t c = 0; c < columns; ++c) {
        out += ' ';
        if (c < row.size()) out += escape_markdown(row[c]);
        out += " |";
      }
      out += "\n";
    }
    out += "\n";
  }
  for (const std::string& note : table.notes) out += "- " + escape_markdown(note, true) + "\n";
  if (!table.notes.empty()) out += "\n";
}

void render(std::string& out, const Figure& figure) {
  // The path is ours (plots/<sanitised name>.svg); the caption is escaped.
  // Inside the image's alt text every bracket is escaped: an unbalanced one would end it.
  // escape_markdown writes every backslash as the first of an escape pair, so pairs are copied
  // as they are.
  const std::string caption = escape_markdown(figure.caption);
  std::string alt;
  for (std::size_t i = 0; i < caption.size(); ++i) {
    if (caption[i] == '\\' && i + 1 < caption.size()) {
      alt += caption.substr(i, 2);
      ++i;
      continue;
    }
    if (caption[i] == '[' || caption[i] == ']') alt += '\\';
    alt += caption[i];
  }
  out += "![" + alt + "](" + figure.file + ")\n\n";
  out += "*Figure: " + escape_markdown(figure.caption) + "*\n\n";
}

}  // namespace

std::string render_markdown(const Document& document) {
  std::string out;
  for (const Block& block : document.blocks) {
    std::visit([&out](const auto& item) { render(out, item); }, block);
  }
  return out;
}

}  // namespace engine::report
