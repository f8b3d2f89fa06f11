// make_report: regenerates a run folder's report.md and report.html from its results.json.
//
//   make_report <run folder>
#include <iostream>
#include <string>
#include <vector>

#include "apps/report/make_report_command.h"

int main(int argc, char** argv) {
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  return engine::report::run_make_report(arguments, std::cout, std::cerr);
}
