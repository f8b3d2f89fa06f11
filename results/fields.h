// Reading results.json (apps/report/RESULTS_FORMAT.md) with the path of every value kept, so
// that an error names the exact field ("models[1].validation.accuracy is missing") and a value
// that is not shown can say why ("not recorded" when absent, "undefined: ..." when null).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json.h"

namespace engine::results {

class ResultsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Field {
 public:
  // The document root (path "").
  explicit Field(const Json& root) : json_(&root) {}

  // Children. A missing key, an index past the end, or a lookup on a value of another kind
  // gives an absent field with the extended path (the error comes when a value is required).
  Field operator[](std::string_view key) const;
  Field operator[](std::size_t index) const;

  const std::string& path() const { return path_; }
  bool absent() const { return json_ == nullptr; }
  bool present() const { return json_ != nullptr && !json_->is_null(); }
  const Json* json() const { return json_; }

  std::size_t size() const;                                    // array length; 0 for anything else
  std::vector<Field> items() const;                            // array elements
  std::vector<std::pair<std::string, Field>> members() const;  // object members, in order

  // Optional values: nullopt when absent or null; ResultsError when present with another type.
  std::optional<double> number() const;
  std::optional<std::int64_t> integer() const;
  std::optional<std::string> text() const;
  std::optional<bool> flag() const;

  // Required values: ResultsError naming the field when absent, null or of another type.
  double require_number() const;
  std::int64_t require_integer() const;
  std::string require_text() const;
  bool require_flag() const;
  const Field& require_object() const;
  const Field& require_array() const;

  // Why the value is not shown: "not recorded" when absent; when null, "undefined" plus the
  // reason its object gives in an "undefined" member (metrics' zero-denominator note).
  std::string missing_reason() const;

 private:
  Field(const Json* json, const Json* parent, std::string path)
      : json_(json), parent_(parent), path_(std::move(path)) {}
  [[noreturn]] void fail(std::string_view problem) const;
  void check_type(bool matches, std::string_view expected) const;

  const Json* json_ = nullptr;
  const Json* parent_ = nullptr;
  std::string path_;
};

}  // namespace engine::results
