#include "tests/apps/markup_check.h"

#include <cctype>

namespace engine::report::testing {

namespace {

bool is_name_character(char character) {
  return std::isalnum(static_cast<unsigned char>(character)) || character == '-' ||
         character == ':' || character == '_' || character == '.';
}

bool is_void_element(const std::string& name) {
  for (const char* known : {"meta", "br", "hr", "img", "input", "link", "col", "area", "base",
                            "embed", "source", "track", "wbr"}) {
    if (name == known) return true;
  }
  return false;
}

// Checks an entity reference starting at text[at] == '&'; returns its length or 0.
std::size_t entity_length(std::string_view text, std::size_t at) {
  const std::size_t end = text.find(';', at);
  if (end == std::string_view::npos || end - at > 10) return 0;
  const std::string_view body = text.substr(at + 1, end - at - 1);
  if (body == "amp" || body == "lt" || body == "gt" || body == "quot" || body == "apos") {
    return end - at + 1;
  }
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (const char c : digits) {
      if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                : std::isdigit(static_cast<unsigned char>(c)))) {
        return 0;
      }
    }
    return end - at + 1;
  }
  return 0;
}

std::string at_offset(const std::string& problem, std::size_t offset) {
  return problem + " at byte " + std::to_string(offset);
}

}  // namespace

std::string markup_problem(std::string_view text, Markup markup) {
  std::vector<std::string> open;
  int roots = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char character = text[i];
    if (character == '&') {
      const std::size_t length = entity_length(text, i);
      if (length == 0) return at_offset("bare or unknown '&'", i);
      i += length;
      continue;
    }
    if (character != '<') {
      if (character == '>' && markup == Markup::xml && open.empty()) {
        return at_offset("'>' outside the root element", i);
      }
      ++i;
      continue;
    }
    if (text.substr(i, 4) == "<!--") {
      const std::size_t end = text.find("-->", i + 4);
      if (end == std::string_view::npos) return at_offset("unclosed comment", i);
      i = end + 3;
      continue;
    }
    if (markup == Markup::html && text.substr(i, 9) == "<!DOCTYPE") {
      i = text.find('>', i);
      if (i == std::string_view::npos) return "unclosed DOCTYPE";
      ++i;
      continue;
    }
    if (text.substr(i, 2) == "<?") {
      const std::size_t end = text.find("?>", i);
      if (end == std::string_view::npos) return at_offset("unclosed declaration", i);
      i = end + 2;
      continue;
    }
    const bool closing = i + 1 < text.size() && text[i + 1] == '/';
    std::size_t cursor = i + (closing ? 2 : 1);
    std::string name;
    while (cursor < text.size() && is_name_character(text[cursor])) name += text[cursor++];
    if (name.empty()) return at_offset("'<' that starts no tag", i);
    if (closing) {
      if (cursor >= text.size() || text[cursor] != '>') return at_offset("malformed end tag", i);
      if (open.empty() || open.back() != name) {
        return at_offset(
            "</" + name + "> does not close <" + (open.empty() ? "" : open.back()) + ">", i);
      }
      open.pop_back();
      i = cursor + 1;
      continue;
    }
    // Attributes: name="value" pairs, values free of '<' and with known entities only.
    bool self_closing = false;
    while (true) {
      while (cursor < text.size() && std::isspace(static_cast<unsigned char>(text[cursor]))) {
        ++cursor;
      }
      if (cursor >= text.size()) return at_offset("unterminated tag <" + name + ">", i);
      if (text[cursor] == '>') break;
      if (text.substr(cursor, 2) == "/>") {
        self_closing = true;
        ++cursor;
        break;
      }
      const std::size_t attribute_start = cursor;
      while (cursor < text.size() && is_name_character(text[cursor])) ++cursor;
      if (cursor == attribute_start || cursor + 1 >= text.size() || text[cursor] != '=' ||
          text[cursor + 1] != '"') {
        return at_offset("attribute without a quoted value in <" + name + ">", cursor);
      }
      const std::size_t value_end = text.find('"', cursor + 2);
      if (value_end == std::string_view::npos) return at_offset("unclosed attribute value", cursor);
      for (std::size_t v = cursor + 2; v < value_end; ++v) {
        if (text[v] == '<') return at_offset("'<' in an attribute value", v);
        if (text[v] == '&' && entity_length(text, v) == 0) {
          return at_offset("bare '&' in an attribute value", v);
        }
      }
      cursor = value_end + 1;
    }
    if (markup == Markup::xml && open.empty() && ++roots > 1) {
      return at_offset("a second root element <" + name + ">", i);
    }
    i = cursor + 1;
    if (self_closing || (markup == Markup::html && is_void_element(name))) continue;
    if (markup == Markup::html && (name == "style" || name == "script")) {
      // Raw text up to the end tag; it must not hold a '<' of its own.
      const std::size_t end = text.find("</" + name + ">", i);
      if (end == std::string_view::npos) return at_offset("unclosed <" + name + ">", i);
      if (text.substr(i, end - i).find('<') != std::string_view::npos) {
        return at_offset("'<' inside <" + name + ">", i);
      }
      i = end + name.size() + 3;
      continue;
    }
    open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (markup == Markup::xml && roots != 1) return "no root element";
  return {};
}

std::vector<std::string> element_names(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '<' || !std::isalpha(static_cast<unsigned char>(text[i + 1]))) continue;
    std::string name;
    for (std::size_t c = i + 1; c < text.size() && is_name_character(text[c]); ++c) name += text[c];
    names.push_back(name);
  }
  return names;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++found;
  }
  return found;
}

}  // namespace engine::report::testing
