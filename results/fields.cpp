#include "results/fields.h"

#include <cmath>

namespace engine::results {

Field Field::operator[](std::string_view key) const {
  std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  const Json* child = (json_ && json_->is_object()) ? json_->find(key) : nullptr;
  return Field(child, json_, std::move(path));
}

Field Field::operator[](std::size_t index) const {
  std::string path = path_ + "[" + std::to_string(index) + "]";
  const Json* child = nullptr;
  if (json_ && json_->is_array() && index < json_->as_array().size()) {
    child = &json_->as_array()[index];
  }
  return Field(child, json_, std::move(path));
}

std::size_t Field::size() const {
  return (json_ && json_->is_array()) ? json_->as_array().size() : 0;
}

std::vector<Field> Field::items() const {
  std::vector<Field> result;
  for (std::size_t i = 0; i < size(); ++i) result.push_back((*this)[i]);
  return result;
}

std::vector<std::pair<std::string, Field>> Field::members() const {
  std::vector<std::pair<std::string, Field>> result;
  if (!json_ || !json_->is_object()) return result;
  for (const auto& [key, value] : json_->as_object()) {
    result.emplace_back(key, Field(&value, json_, path_.empty() ? key : path_ + "." + key));
  }
  return result;
}

void Field::fail(std::string_view problem) const {
  throw ResultsError("field '" + path_ + "' " + std::string(problem));
}

void Field::check_type(bool matches, std::string_view expected) const {
  if (!matches) {
    fail("must be " + std::string(expected) + ", found " + json_->type_name());
  }
}

std::optional<double> Field::number() const {
  if (!present()) return std::nullopt;
  check_type(json_->is_number(), "a number");
  return json_->as_number();
}

std::optional<std::int64_t> Field::integer() const {
  if (!present()) return std::nullopt;
  check_type(json_->is_number(), "an integer");
  if (json_->is_integer()) return json_->as_integer();
  // A count written as 12.0 is still a count; 12.5 is not.
  const double value = json_->as_number();
  if (value != std::floor(value) || std::abs(value) > 9.0e15) fail("must be an integer");
  return static_cast<std::int64_t>(value);
}

std::optional<std::string> Field::text() const {
  if (!present()) return std::nullopt;
  check_type(json_->is_string(), "a string");
  return json_->as_string();
}

std::optional<bool> Field::flag() const {
  if (!present()) return std::nullopt;
  check_type(json_->is_bool(), "true or false");
  return json_->as_bool();
}

double Field::require_number() const {
  if (!present()) fail(absent() ? "is missing" : "is null");
  return *number();
}

std::int64_t Field::require_integer() const {
  if (!present()) fail(absent() ? "is missing" : "is null");
  return *integer();
}

std::string Field::require_text() const {
  if (!present()) fail(absent() ? "is missing" : "is null");
  return *text();
}

bool Field::require_flag() const {
  if (!present()) fail(absent() ? "is missing" : "is null");
  return *flag();
}

const Field& Field::require_object() const {
  if (!present()) fail(absent() ? "is missing" : "is null");
  check_type(json_->is_object(), "an object");
  return *this;
}

const Field& Field::require_array() const {
  if (!present()) fail(absent() ? "is missing" : "is null");
  check_type(json_->is_array(), "an array");
  return *this;
}

std::string Field::missing_reason() const {
  if (absent()) return "not recorded";
  if (json_->is_null()) {
    // The reason sits beside the value in its object: {"value": null, "undefined": "..."}.
    const Json* note = (parent_ && parent_->is_object()) ? parent_->find("undefined") : nullptr;
    if (note && note->is_string()) return "undefined: " + note->as_string();
    return "undefined";
  }
  return "not a value that can be shown";
}

}  // namespace engine::results
