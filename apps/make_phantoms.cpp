// make_phantoms: writes N synthetic hand-radiograph phantoms as PNG files with a manifest.csv and
// a README.txt that both say SYNTHETIC, so that a demo or a test reads them exactly as it reads
// real radiographs. The phantoms are a pure function of (seed, index, size).
//
//   make_phantoms <folder> [--count N] [--seed S] [--size PIXELS]
#include <cstdio>

#include "apps/common/arguments.h"
#include "data/phantom.h"

using namespace engine;

int main(int argc, char** argv) {
  std::int64_t count = 600, seed = 1, size = 256;
  apps::ArgumentTable table("make_phantoms", "<folder> [options]");
  table.integer("count", &count, "number of phantoms (half female, half male)", 2, 1000000);
  table.integer("seed", &seed, "seed of the phantoms' anatomy and noise", 0, INT64_MAX);
  table.integer("size", &size, "image side in pixels", 32, 4096);
  try {
    const std::vector<std::string> positional = table.parse(argc, argv);
    if (table.help_requested()) {
      std::fputs(table.help().c_str(), stdout);
      return 0;
    }
    if (positional.size() != 1) throw apps::ArgumentError("give exactly one output folder");
    data::write_phantom_dataset(positional[0], static_cast<int>(count),
                                static_cast<std::uint64_t>(seed), static_cast<int>(size));
    std::printf("%s: %lld SYNTHETIC phantoms at %lldx%lld (seed %lld) with manifest.csv\n",
                positional[0].c_str(), static_cast<long long>(count), static_cast<long long>(size),
                static_cast<long long>(size), static_cast<long long>(seed));
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_phantoms: %s\n", error.what());
    return 1;
  }
}
