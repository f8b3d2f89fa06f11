// make_report: regenerates the report from a run folder, and refuses a missing, malformed or
// incomplete results.json with a message naming the file and the field.
#include <doctest/doctest.h>

#include <sstream>

#include "apps/report/make_report_command.h"
#include "tests/apps/report_fixture.h"

namespace engine::report::testing {

namespace {

struct Outcome {
  int code = 0;
  std::string output;
  std::string error;
};

Outcome run(const std::vector<std::string>& arguments) {
  std::ostringstream output;
  std::ostringstream error;
  Outcome outcome;
  outcome.code = run_make_report(arguments, output, error);
  outcome.output = output.str();
  outcome.error = error.str();
  return outcome;
}

Json without(Json json, const std::string& object, const std::string& key) {
  Json inner = json.at(object);
  Json::Object kept;
  for (auto& [name, value] : inner.as_object()) {
    if (name != key) kept.emplace_back(name, value);
  }
  json.set(object, Json(std::move(kept)));
  return json;
}

}  // namespace

TEST_CASE("make_report writes both reports and prints their paths") {
  TemporaryFolder folder;
  write_text(folder.path() / "results.json", results_json("single", true).dump(1));
  const Outcome outcome = run({folder.path().string()});
  CHECK(outcome.code == 0);
  CHECK(outcome.error.empty());
  CHECK(outcome.output == (folder.path() / "report.md").string() + "\n" +
                              (folder.path() / "report.html").string() + "\n");
  CHECK(std::filesystem::is_regular_file(folder.path() / "report.md"));
  CHECK(std::filesystem::is_regular_file(folder.path() / "report.html"));
}

TEST_CASE("make_report names the file when results.json is missing or not JSON") {
  TemporaryFolder folder;
  const std::string file = (folder.path() / "results.json").string();
  Outcome outcome = run({folder.path().string()});
  CHECK(outcome.code == 1);
  CHECK(outcome.error.find(file + ": no such file") != std::string::npos);

  write_text(file, "{\"format_version\": 1, \"kind\": ");
  outcome = run({folder.path().string()});
  CHECK(outcome.code == 1);
  CHECK(outcome.error.find(file + ": not valid JSON") != std::string::npos);
  CHECK(!std::filesystem::exists(folder.path() / "report.md"));

  CHECK(run({}).code == 2);
  CHECK(run({"a", "b"}).code == 2);
}

TEST_CASE("make_report names the missing or mistyped field and writes nothing") {
  TemporaryFolder folder;
  const std::string file = (folder.path() / "results.json").string();
  const Json complete = results_json("compare", true);
  struct Broken {
    Json json;
    std::string message;
  };
  Json mistyped = complete;
  Json data = mistyped.at("data");
  data.set("synthetic", "yes");
  mistyped.set("data", std::move(data));
  Json no_architecture = complete;
  Json models = no_architecture.at("models");
  models.as_array()[1] = without(models.as_array()[1], "test", "accuracy");
  no_architecture.set("models", std::move(models));
  const std::vector<Broken> cases = {
      {without(complete, "run", "command"), "field 'run.command' is missing"},
      {without(complete, "data", "synthetic"), "field 'data.synthetic' is missing"},
      {mistyped, "field 'data.synthetic' must be true or false, found string"},
      {no_architecture, "field 'models[1].test.accuracy' is missing"},
  };
  for (const Broken& broken : cases) {
    INFO(broken.message);
    write_text(file, broken.json.dump());
    const Outcome outcome = run({folder.path().string()});
    CHECK(outcome.code == 1);
    CHECK(outcome.error == "make_report: " + file + ": " + broken.message + "\n");
    CHECK(!std::filesystem::exists(folder.path() / "report.md"));
    CHECK(!std::filesystem::exists(folder.path() / "plots"));
  }
  Json newer = complete;
  newer.set("format_version", 2);
  write_text(file, newer.dump());
  CHECK(run({folder.path().string()}).error.find("format_version' is 2") != std::string::npos);
}

}  // namespace engine::report::testing
