// Fuzzes the JSON parser (util/json.cpp), which reads safetensors headers, checkpoint metadata,
// run records and results.json. Besides crashes and sanitizer reports, it checks on every input:
//   - the only exception is JsonError (anything else escapes and libFuzzer reports it);
//   - an accepted text survives a round trip: writing it (compact and indented) and parsing the
//     writing again gives the same compact text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tests/fuzz/property.h"
#include "util/json.h"

namespace {

using engine::fuzz::require;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  engine::Json value;
  try {
    value = engine::Json::parse(text);
  } catch (const engine::JsonError&) {
    return 0;
  }
  const std::string compact = value.dump();
  try {
    require(engine::Json::parse(compact).dump() == compact, "compact text survives a round trip");
    require(engine::Json::parse(value.dump(2)).dump() == compact,
            "indented text survives a round trip");
  } catch (const engine::JsonError& error) {
    std::fprintf(stderr, "the writer's own text does not parse: %s\n", error.what());
    std::abort();
  }
  return 0;
}
