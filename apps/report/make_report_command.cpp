#include "apps/report/make_report_command.h"

#include <filesystem>

#include "apps/common/output_guard.h"
#include "apps/report/report.h"
#include "results/fields.h"
#include "util/file_io.h"
#include "util/json.h"

namespace engine::report {

namespace {

const char* const usage =
    "usage: make_report <run folder> [--overwrite]\n"
    "  Regenerates <run folder>/report.md and report.html (with plots/*.svg) from\n"
    "  <run folder>/results.json; nothing else is read and nothing is fetched.\n"
    "  --overwrite  replace an earlier report (never a file the report writer did not write)\n";

// Every file the report would write, checked before any is written.
void check_outputs(const Json& results, const std::filesystem::path& folder,
                   const std::filesystem::path& results_path, bool overwrite) {
  apps::OutputGuard guard("make_report", overwrite);
  guard.add_input(results_path, "the results (results.json)");
  for (const std::string& file : report_files(build_report(results))) {
    guard.check_file(folder / file, (folder / file).string(), is_report_file);
  }
}

}  // namespace

int run_make_report(const std::vector<std::string>& arguments, std::ostream& output,
                    std::ostream& error) {
  if (arguments.size() == 1 && (arguments[0] == "--help" || arguments[0] == "-h")) {
    output << usage;
    return 0;
  }
  std::vector<std::string> positional;
  bool overwrite = false;
  for (const std::string& argument : arguments) {
    if (argument == "--overwrite") {
      overwrite = true;
    } else {
      positional.push_back(argument);
    }
  }
  if (positional.size() != 1 || positional[0].rfind("--", 0) == 0) {
    error << usage;
    return 2;
  }
  const std::filesystem::path folder = positional[0];
  const std::filesystem::path results_path = folder / "results.json";
  const std::string shown = results_path.string();
  std::error_code status;
  if (!std::filesystem::is_regular_file(results_path, status)) {
    error << "make_report: " << shown << ": no such file (is " << folder.string()
          << " a run folder written by train_app?)\n";
    return 1;
  }
  Json results;
  try {
    const std::vector<std::uint8_t> bytes = read_file_bytes(shown);
    results = Json::parse(std::string(bytes.begin(), bytes.end()));
  } catch (const std::exception& failure) {
    error << "make_report: " << shown << ": not valid JSON: " << failure.what() << "\n";
    return 1;
  }
  try {
    check_outputs(results, folder, results_path, overwrite);
    write_report(results, folder);
  } catch (const apps::OutputRefused& failure) {
    error << "make_report: " << failure.what() << "\n";
    return 2;
  } catch (const results::ResultsError& failure) {
    error << "make_report: " << shown << ": " << failure.what() << "\n";
    return 1;
  } catch (const std::exception& failure) {
    error << "make_report: writing the report in " << folder.string() << ": " << failure.what()
          << "\n";
    return 1;
  }
  output << (folder / "report.md").string() << "\n" << (folder / "report.html").string() << "\n";
  return 0;
}

}  // namespace engine::report
