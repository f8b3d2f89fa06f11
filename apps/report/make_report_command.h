// The make_report program as a function, so the tests can run it and read its messages:
//
//   make_report <run folder>
//
// reads <run folder>/results.json, writes report.md, report.html and plots/*.svg there, and
// prints the two report paths. Returns 0 on success, 1 with one line on `error` naming the
// file (and the field, for a results.json that lacks one), 2 for a wrong command line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace engine::report {

int run_make_report(const std::vector<std::string>& arguments, std::ostream& output,
                    std::ostream& error);

}  // namespace engine::report
