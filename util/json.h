// A small JSON value with a strict parser and a writer: safetensors headers, checkpoint metadata,
// run records and prediction output. Objects keep insertion order (stable, diffable output).
// Integers without fraction or exponent are kept exactly as int64 (byte offsets need that).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace engine {

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() : value_(nullptr) {}
  Json(std::nullptr_t) : value_(nullptr) {}
  Json(bool value) : value_(value) {}
  Json(int value) : value_(static_cast<std::int64_t>(value)) {}
  Json(std::int64_t value) : value_(value) {}
  Json(std::uint64_t value);  // throws above INT64_MAX
  Json(double value) : value_(value) {}
  Json(const char* value) : value_(std::string(value)) {}
  Json(std::string value) : value_(std::move(value)) {}
  Json(Array value) : value_(std::move(value)) {}
  Json(Object value) : value_(std::move(value)) {}
  static Json object() { return Json(Object{}); }
  static Json array() { return Json(Array{}); }

  // Parses one JSON text; errors give the byte offset and what was expected. Nesting is limited
  // to 64 levels so hostile input cannot exhaust the stack.
  static Json parse(std::string_view text);
  // Compact when indent < 0; otherwise pretty with that many spaces per level.
  std::string dump(int indent = -1) const;

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(value_); }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  bool is_integer() const { return std::holds_alternative<std::int64_t>(value_); }
  bool is_number() const { return is_integer() || std::holds_alternative<double>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }
  bool is_array() const { return std::holds_alternative<Array>(value_); }
  bool is_object() const { return std::holds_alternative<Object>(value_); }

  // Typed access; each throws JsonError naming the expected and actual type.
  bool as_bool() const;
  std::int64_t as_integer() const;
  double as_number() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  Array& as_array();
  const Object& as_object() const;
  Object& as_object();

  // Object access: find returns nullptr when absent; at throws naming the key.
  const Json* find(std::string_view key) const;
  const Json& at(std::string_view key) const;
  // Inserts (or replaces) a key, keeping the first insertion's position.
  Json& set(std::string key, Json value);
  void push_back(Json value) { as_array().push_back(std::move(value)); }

  const char* type_name() const;

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> value_;
};

}  // namespace engine
