// export_weights: writes a freshly initialised model (architecture, seed, class count) as a
// safetensors file in torchvision's layout and key names, loadable in PyTorch with
// load_state_dict(strict=True). Used by the PyTorch parity fixture and to inspect our
// initialisation from Python. See apps/tools/export_weights_command.h and --help.
//
//   export_weights <architecture> <out.safetensors> [--seed S (0)] [--classes K (2)] [--no-aux]
//                  [--overwrite]
#include <cstdio>

#include "apps/tools/export_weights_command.h"

int main(int argc, char** argv) {
  return engine::apps::export_weights_command(argc, argv, stdout, stderr);
}
