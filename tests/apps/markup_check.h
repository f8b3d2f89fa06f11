// A small well-formedness checker for the markup the report writes: every element closed in
// order, attribute values quoted, entity references known, no stray "<" or "&" in text. For
// SVG (XML) there must be one root element; for HTML the void elements (meta, br, ...) need no
// end tag, the DOCTYPE is skipped and <style> content is raw text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace engine::report::testing {

enum class Markup { xml, html };

// "" when well-formed; otherwise the first problem and its byte offset.
std::string markup_problem(std::string_view text, Markup markup);

// The names of the elements opened, in document order (to check which kinds appear).
std::vector<std::string> element_names(std::string_view text);

// How many times `part` occurs in `text`, overlapping occurrences included.
std::size_t occurrences(const std::string& text, const std::string& part);

}  // namespace engine::report::testing
