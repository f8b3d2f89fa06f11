// make_phantoms: writes N synthetic hand-radiograph phantoms as PNG files with a manifest.csv and
// a README.txt that both say SYNTHETIC, so that a demo or a test reads them exactly as it reads
// real radiographs. The phantoms are a pure function of (seed, index, size). See
// apps/tools/make_phantoms_command.h and --help.
//
//   make_phantoms <folder> [--count N] [--seed S] [--size PIXELS] [--overwrite]
#include <cstdio>

#include "apps/tools/make_phantoms_command.h"

int main(int argc, char** argv) {
  return engine::apps::make_phantoms_command(argc, argv, stdout, stderr);
}
