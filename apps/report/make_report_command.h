// The make_report program as a function, so the tests can run it and read its messages:
//
//   make_report <run folder> [--overwrite]
//
// reads <run folder>/results.json, writes report.md, report.html and plots/*.svg there, and
// prints the two report paths. Before anything is written, every file it would write is checked
// (apps/common/output_guard.h): none may be results.json (after symbolic links, or as a hard
// link), none may replace a file the report writer did not write (is_report_file), and an earlier
// report is replaced only with --overwrite. Returns 0 on success, 1 with one line on `error`
// naming the file (and the field, for a results.json that lacks one), 2 for a wrong command line
// or a refused output.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace engine::report {

int run_make_report(const std::vector<std::string>& arguments, std::ostream& output,
                    std::ostream& error);

}  // namespace engine::report
