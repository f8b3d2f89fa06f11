// The one exception type the data pipeline throws for bad input (a file that cannot be read or
// decoded, a malformed manifest, an inconsistent split). Its message always starts with where
// the problem is: "<file>: ..." for a file, "<file>:<line>:<column>: ..." for text input, so an
// examiner can go straight to the offending byte.
#pragma once

#include <stdexcept>
#include <string>

namespace engine::data {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace engine::data
