#include "util/json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace engine {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Json document() {
    Json value = parse_value(0);
    skip_space();
    if (position_ != text_.size()) fail("end of input");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    throw JsonError("JSON: expected " + expected + " at byte " + std::to_string(position_));
  }

  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\n' || text_[position_] == '\r')) {
      ++position_;
    }
  }

  bool consume(char c) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  void expect_word(std::string_view word) {
    if (text_.substr(position_, word.size()) != word) fail(std::string(word));
    position_ += word.size();
  }

  Json parse_value(int depth) {
    if (depth > 64) fail("nesting of at most 64 levels");
    skip_space();
    if (position_ >= text_.size()) fail("a value");
    const char c = text_[position_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') return Json(parse_string());
    if (c == 't') return expect_word("true"), Json(true);
    if (c == 'f') return expect_word("false"), Json(false);
    if (c == 'n') return expect_word("null"), Json(nullptr);
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    fail("a value");
  }

  Json parse_object(int depth) {
    ++position_;
    Json result = Json::object();
    if (consume('}')) return result;
    do {
      skip_space();
      if (position_ >= text_.size() || text_[position_] != '"') fail("a string key");
      std::string key = parse_string();
      if (result.find(key) != nullptr) fail("no duplicate key '" + key + "'");
      if (!consume(':')) fail("':'");
      result.as_object().emplace_back(std::move(key), parse_value(depth + 1));
    } while (consume(','));
    if (!consume('}')) fail("',' or '}'");
    return result;
  }

  Json parse_array(int depth) {
    ++position_;
    Json result = Json::array();
    if (consume(']')) return result;
    do {
      result.push_back(parse_value(depth + 1));
    } while (consume(','));
    if (!consume(']')) fail("',' or ']'");
    return result;
  }

  unsigned hex4() {
    if (position_ + 4 > text_.size()) fail("four hex digits");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[position_++];
      value <<= 4;
      if (h >= '0' && h <= '9')
        value |= h - '0';
      else if (h >= 'a' && h <= 'f')
        value |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        value |= h - 'A' + 10;
      else
        fail("a hex digit");
    }
    return value;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parse_string() {
    ++position_;  // opening quote
    std::string out;
    while (true) {
      if (position_ >= text_.size()) fail("a closing '\"'");
      const char c = text_[position_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("no control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (position_ >= text_.size()) fail("an escape");
      const char e = text_[position_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xD800 && code <= 0xDBFF) {  // a surrogate pair
            if (text_.substr(position_, 2) != "\\u") fail("a low surrogate");
            position_ += 2;
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("a low surrogate");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            fail("a high surrogate first");
          }
          append_utf8(out, code);
          break;
        }
        default: fail("a valid escape");
      }
    }
  }

  Json parse_number() {
    const std::size_t start = position_;
    if (text_[position_] == '-') ++position_;
    const auto digits = [&] {
      const std::size_t before = position_;
      while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
        ++position_;
      }
      return position_ - before;
    };
    const std::size_t integer_start = position_;
    if (digits() == 0) fail("digits");
    if (text_[integer_start] == '0' && position_ - integer_start > 1) fail("no leading zero");
    bool integral = true;
    if (position_ < text_.size() && text_[position_] == '.') {
      ++position_;
      integral = false;
      if (digits() == 0) fail("digits after '.'");
    }
    if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
      ++position_;
      integral = false;
      if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-')) {
        ++position_;
      }
      if (digits() == 0) fail("exponent digits");
    }
    const std::string lexeme(text_.substr(start, position_ - start));
    if (integral) {
      errno = 0;
      char* end = nullptr;
      const long long value = std::strtoll(lexeme.c_str(), &end, 10);
      if (errno == ERANGE) fail("an integer within int64");
      return Json(static_cast<std::int64_t>(value));
    }
    // Overflow would read as infinity, which JSON cannot hold and the writer turns into null
    // (found by fuzzing): such a number is refused. Underflow to zero or a subnormal is kept.
    const double value = std::strtod(lexeme.c_str(), nullptr);
    if (!std::isfinite(value)) fail("a number within the range of a double (about 1.8e308)");
    return Json(value);
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

void write_string(std::string& out, const std::string& text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

Json::Json(std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw JsonError("JSON: integer " + std::to_string(value) + " exceeds int64");
  }
  value_ = static_cast<std::int64_t>(value);
}

Json Json::parse(std::string_view text) { return Parser(text).document(); }

const char* Json::type_name() const {
  static constexpr const char* names[] = {"null",   "boolean", "integer", "number",
                                          "string", "array",   "object"};
  return names[value_.index()];
}

namespace {
[[noreturn]] void wrong_type(const char* expected, const Json& value) {
  throw JsonError(std::string("JSON: expected ") + expected + ", got " + value.type_name());
}
}  // namespace

bool Json::as_bool() const {
  if (!is_bool()) wrong_type("boolean", *this);
  return std::get<bool>(value_);
}
std::int64_t Json::as_integer() const {
  if (!is_integer()) wrong_type("integer", *this);
  return std::get<std::int64_t>(value_);
}
double Json::as_number() const {
  if (is_integer()) return static_cast<double>(std::get<std::int64_t>(value_));
  if (!is_number()) wrong_type("number", *this);
  return std::get<double>(value_);
}
const std::string& Json::as_string() const {
  if (!is_string()) wrong_type("string", *this);
  return std::get<std::string>(value_);
}
const Json::Array& Json::as_array() const {
  if (!is_array()) wrong_type("array", *this);
  return std::get<Array>(value_);
}
Json::Array& Json::as_array() {
  if (!is_array()) wrong_type("array", *this);
  return std::get<Array>(value_);
}
const Json::Object& Json::as_object() const {
  if (!is_object()) wrong_type("object", *this);
  return std::get<Object>(value_);
}
Json::Object& Json::as_object() {
  if (!is_object()) wrong_type("object", *this);
  return std::get<Object>(value_);
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [name, value] : as_object()) {
    if (name == key) return &value;
  }
  return nullptr;
}

const Json& Json::at(std::string_view key) const {
  const Json* value = find(key);
  if (value == nullptr) throw JsonError("JSON: missing key '" + std::string(key) + "'");
  return *value;
}

Json& Json::set(std::string key, Json value) {
  for (auto& [name, existing] : as_object()) {
    if (name == key) return existing = std::move(value);
  }
  as_object().emplace_back(std::move(key), std::move(value));
  return as_object().back().second;
}

namespace {

void dump_into(const Json& value, std::string& out, int indent, int level) {
  const auto newline = [&](int depth) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * depth), ' ');
  };
  if (value.is_null()) {
    out += "null";
  } else if (value.is_bool()) {
    out += value.as_bool() ? "true" : "false";
  } else if (value.is_integer()) {
    out += std::to_string(value.as_integer());
  } else if (value.is_number()) {
    const double number = value.as_number();
    if (!std::isfinite(number)) {
      out += "null";  // JSON has no NaN or infinity
    } else if (number == 0 && std::signbit(number)) {
      out += "-0.0";  // "-0" would read back as the integer 0, losing the sign
    } else {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", number);
      out += text;
    }
  } else if (value.is_string()) {
    write_string(out, value.as_string());
  } else if (value.is_array()) {
    out += '[';
    const auto& items = value.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ',';
      newline(level + 1);
      dump_into(items[i], out, indent, level + 1);
    }
    if (!items.empty()) newline(level);
    out += ']';
  } else {
    out += '{';
    const auto& members = value.as_object();
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i > 0) out += ',';
      newline(level + 1);
      write_string(out, members[i].first);
      out += indent < 0 ? ":" : ": ";
      dump_into(members[i].second, out, indent, level + 1);
    }
    if (!members.empty()) newline(level);
    out += '}';
  }
}

}  // namespace

std::string Json::dump(int indent) const {
  std::string out;
  dump_into(*this, out, indent, 0);
  return out;
}

}  // namespace engine
