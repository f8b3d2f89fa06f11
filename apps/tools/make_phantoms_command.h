// make_phantoms as a function, so the tests can run it and read its messages:
//
//   make_phantoms <folder> [--count N] [--seed S] [--size PIXELS] [--overwrite]
//
// writes N synthetic phantoms, manifest.csv and README.txt into the folder
// (data::write_phantom_dataset). Every file it would write is checked first: none may replace a
// file make_phantoms did not write, and one it did write is replaced only with --overwrite. Its
// own files are recognised as a set: README.txt begins "SYNTHETIC DATA." and names
// write_phantom_dataset, manifest.csv begins with the header path,sex,id,note, and a PNG is one
// that such a manifest lists. Returns 0 on success (and for --help), 1 when writing fails, 2 for
// a wrong command line or a refused output.
#pragma once

#include <cstdio>

namespace engine::apps {

int make_phantoms_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace engine::apps
