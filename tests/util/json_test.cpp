// The JSON reader and writer: round trips, exact int64, strict rejection with a byte offset.
#include "util/json.h"

#include <doctest/doctest.h>

#include <cmath>

namespace engine {

TEST_CASE("JSON parses the safetensors header shape of document") {
  const Json header =
      Json::parse(R"({"__metadata__":{"format":"pt"},"fc.weight":{"dtype":"F32","shape":[2,512],)"
                  R"("data_offsets":[0,4096]}}   )");
  CHECK(header.at("__metadata__").at("format").as_string() == "pt");
  const Json& entry = header.at("fc.weight");
  CHECK(entry.at("shape").as_array().size() == 2);
  CHECK(entry.at("data_offsets").as_array()[1].as_integer() == 4096);
  CHECK(header.as_object().front().first == "__metadata__");  // order kept
}

TEST_CASE("JSON round-trips values, escapes and large integers exactly") {
  Json document = Json::object();
  document.set("big", Json(std::int64_t{9007199254740993}));  // 2^53 + 1: not a double
  document.set("text", Json("quote \" backslash \\ newline \n tab \t bell \x07"));
  document.set("pi", Json(3.141592653589793));
  document.set("list", Json(Json::Array{Json(1), Json(true), Json(nullptr)}));
  const Json back = Json::parse(document.dump());
  CHECK(back.at("big").as_integer() == 9007199254740993);
  CHECK(back.at("text").as_string() == document.at("text").as_string());
  CHECK(back.at("pi").as_number() == 3.141592653589793);
  CHECK(back.dump() == document.dump());
  CHECK(Json::parse(document.dump(2)).dump() == document.dump());
  CHECK(Json::parse(R"("\u00e9\ud83d\ude00")").as_string() == "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST_CASE("JSON rejects malformed input with the byte offset") {
  CHECK_THROWS_WITH(Json::parse("{\"a\":1,}"), doctest::Contains("byte 7"));
  CHECK_THROWS_WITH(Json::parse("[1 2]"), doctest::Contains("',' or ']'"));
  CHECK_THROWS_WITH(Json::parse("{\"a\":1,\"a\":2}"), doctest::Contains("duplicate key 'a'"));
  CHECK_THROWS_WITH(Json::parse("01"), doctest::Contains("no leading zero"));
  CHECK_THROWS_WITH(Json::parse("99999999999999999999"), doctest::Contains("within int64"));
  CHECK_THROWS_WITH(Json::parse("\"abc"), doctest::Contains("closing"));
  CHECK_THROWS_WITH(Json::parse("\"\\ud800x\""), doctest::Contains("low surrogate"));
  CHECK_THROWS_WITH(Json::parse(std::string(100, '[')), doctest::Contains("64 levels"));
  CHECK_THROWS_WITH(Json::parse("nul"), doctest::Contains("null"));
  CHECK_THROWS_WITH(Json::parse("{} x"), doctest::Contains("end of input"));
  CHECK_THROWS_WITH(Json::parse("[1]").at("a"), doctest::Contains("expected object, got array"));
  // Found by fuzzing: a number beyond a double's range read as infinity, which the writer
  // turns into null; it is refused instead (underflow to zero is kept).
  CHECK_THROWS_WITH(Json::parse("[-1.797693134e309]"), doctest::Contains("range of a double"));
  CHECK_THROWS_WITH(Json::parse("1e400"), doctest::Contains("range of a double"));
  CHECK(Json::parse("1e-400").as_number() == 0.0);
}

TEST_CASE("JSON writes negative zero so that it reads back as negative zero") {
  const Json zero(-0.0);
  CHECK(zero.dump() == "-0.0");
  const Json back = Json::parse(zero.dump());
  CHECK(back.is_number());
  CHECK_FALSE(back.is_integer());
  CHECK(std::signbit(back.as_number()));
  CHECK(Json::parse("[-0.0,0.0,-0]").dump() == "[-0.0,0,0]");
}

}  // namespace engine
