// make_report, export_weights and make_phantoms never write over a file they read or a file they
// did not write, and replace their own earlier output only with --overwrite (issue 14, item 1);
// export_weights --help exits 0 with its usage (item 8).
#include <doctest/doctest.h>

#include <sstream>

#include "apps/report/make_report_command.h"
#include "apps/tools/export_weights_command.h"
#include "apps/tools/make_phantoms_command.h"
#include "data/file.h"
#include "data/phantom.h"
#include "tests/apps/report_fixture.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Result {
  int code = -1;
  std::string out, err;
};

// Runs a command function with a captured standard output and error.
template <typename Command>
Result run(Command command, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "program");
  std::vector<const char*> argv;
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  Result result;
  result.code = command(static_cast<int>(argv.size()), argv.data(), out, err);
  for (auto [stream, text] : {std::pair{out, &result.out}, std::pair{err, &result.err}}) {
    std::rewind(stream);
    char buffer[4096];
    std::size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, stream)) > 0) text->append(buffer, read);
    std::fclose(stream);
  }
  return result;
}

Result make_report(const std::vector<std::string>& arguments) {
  std::ostringstream output, error;
  Result result;
  result.code = report::run_make_report(arguments, output, error);
  result.out = output.str();
  result.err = error.str();
  return result;
}

}  // namespace

TEST_CASE("make_report never writes over results.json or a file it did not write") {
  report::testing::TemporaryFolder folder;
  const std::filesystem::path results = folder.path() / "results.json";
  const std::string text = report::testing::results_json("single", true).dump(1);
  data::write_file_text(results, text);
  // report.md as a link to results.json: writing it would replace the run's record.
  std::filesystem::create_symlink(results, folder.path() / "report.md");
  Result result = make_report({"--overwrite", folder.path().string()});
  CHECK(result.code == 2);
  CHECK(contains(result.err,
                 (folder.path() / "report.md").string() + ": refused: it is the results"));
  CHECK(data::read_file_text(results) == text);
  std::filesystem::remove(folder.path() / "report.md");

  data::write_file_text(folder.path() / "report.html", "<p>an examiner's own page</p>\n");
  result = make_report({"--overwrite", folder.path().string()});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "report.html: refused: the file exists and is not an earlier output"));
  CHECK(data::read_file_text(folder.path() / "report.html") == "<p>an examiner's own page</p>\n");
  CHECK_FALSE(std::filesystem::exists(folder.path() / "report.md"));  // nothing written
  std::filesystem::remove(folder.path() / "report.html");

  REQUIRE(make_report({folder.path().string()}).code == 0);
  result = make_report({folder.path().string()});
  CHECK(result.code == 2);
  INFO(result.err);
  CHECK(contains(result.err, "an earlier output of make_report); add --overwrite"));
  CHECK(make_report({folder.path().string(), "--overwrite"}).code == 0);
}

TEST_CASE("export_weights: --help exits 0; an existing file is replaced only if it wrote it") {
  const Result help = run(export_weights_command, {"--help"});
  CHECK(help.code == 0);
  CHECK(contains(help.out, "usage: export_weights <architecture> <out.safetensors>"));
  CHECK(contains(help.out, "--overwrite"));
  CHECK(run(export_weights_command, {"resnet18"}).code == 2);

  TemporaryFolder folder("export_integrity");
  std::filesystem::create_directories(folder.path);
  const std::filesystem::path file = folder.path / "weights.safetensors";
  data::write_file_text(file, "evidence\n");
  Result result = run(export_weights_command, {"efficientnet_b0", file.string(), "--overwrite"});
  CHECK(result.code == 2);
  CHECK(contains(result.err,
                 "refused: the file exists and is not an earlier output of export_weights"));
  CHECK(data::read_file_text(file) == "evidence\n");
  std::filesystem::remove(file);

  REQUIRE(run(export_weights_command, {"efficientnet_b0", file.string(), "--seed", "3"}).code == 0);
  CHECK(is_exported_weights(file));
  result = run(export_weights_command, {"efficientnet_b0", file.string()});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "add --overwrite"));
  CHECK(run(export_weights_command, {"efficientnet_b0", file.string(), "--overwrite"}).code == 0);
}

TEST_CASE(
    "make_phantoms replaces only an earlier make_phantoms' files, and only with --overwrite") {
  TemporaryFolder folder("phantoms_integrity");
  const std::filesystem::path phantoms = folder.path / "phantoms";
  std::filesystem::create_directories(phantoms);
  data::write_file_text(phantoms / "manifest.csv", "path,sex\nreal.png,F\n");
  Result result = run(make_phantoms_command,
                      {phantoms.string(), "--count", "4", "--size", "32", "--overwrite"});
  CHECK(result.code == 2);
  CHECK(
      contains(result.err, "manifest.csv: refused: the file exists and is not an earlier output"));
  CHECK(data::read_file_text(phantoms / "manifest.csv") == "path,sex\nreal.png,F\n");
  CHECK_FALSE(std::filesystem::exists(phantoms / data::phantom_file_name(0)));
  std::filesystem::remove(phantoms / "manifest.csv");

  // A phantom's name pointing at a file elsewhere (a radiograph) is never written through.
  const std::filesystem::path evidence = folder.path / "evidence.png";
  data::write_file_text(evidence, "a radiograph");
  std::filesystem::create_symlink(evidence, phantoms / data::phantom_file_name(1));
  result = run(make_phantoms_command,
               {phantoms.string(), "--count", "4", "--size", "32", "--overwrite"});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "resolves to " + evidence.string()));
  CHECK(data::read_file_text(evidence) == "a radiograph");
  std::filesystem::remove(phantoms / data::phantom_file_name(1));

  REQUIRE(run(make_phantoms_command, {phantoms.string(), "--count", "4", "--size", "32"}).code ==
          0);
  result = run(make_phantoms_command, {phantoms.string(), "--count", "4", "--size", "32"});
  CHECK(result.code == 2);
  CHECK(contains(result.err, "add --overwrite"));
  CHECK(
      run(make_phantoms_command, {phantoms.string(), "--count", "6", "--size", "32", "--overwrite"})
          .code == 0);
  CHECK(std::filesystem::exists(phantoms / data::phantom_file_name(5)));
}

}  // namespace engine::apps::testing
