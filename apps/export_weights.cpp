// export_weights: writes a freshly initialised model (architecture, seed, class count) as a
// safetensors file in torchvision's layout and key names, loadable in PyTorch with
// load_state_dict(strict=True). Used by the PyTorch parity fixture and to inspect our
// initialisation from Python.
//
//   export_weights <architecture> <out.safetensors> [--seed S (0)] [--classes K (2)] [--no-aux]
#include <cstdio>
#include <string>

#include "models/registry.h"
#include "models/weights.h"

using namespace engine;

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fputs("usage: export_weights <architecture> <out.safetensors> [--seed S (0)] "
               "[--classes K (2)] [--no-aux]\n", stderr);
    return 1;
  }
  models::ModelOptions options;
  for (int i = 3; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-aux") {
      options.auxiliary_head = false;
    } else if (flag == "--seed" && i + 1 < argc) {
      options.seed = std::stoull(argv[++i]);
    } else if (flag == "--classes" && i + 1 < argc) {
      options.classes = std::stoll(argv[++i]);
    } else {
      throw std::invalid_argument("unknown or incomplete option '" + flag + "'");
    }
  }
  auto model = models::create_model(argv[1], options);
  write_safetensors(argv[2], models::export_state(*model),
                    {{"engine.architecture", model->architecture()},
                     {"engine.seed", std::to_string(options.seed)},
                     {"engine.version", ENGINE_VERSION},
                     {"format", "pt"}});
  std::printf("%s: %s, seed %llu, %lld classes, %lld parameters\n", argv[2],
              model->architecture().c_str(), static_cast<unsigned long long>(options.seed),
              static_cast<long long>(options.classes),
              static_cast<long long>(model->parameter_count()));
  return 0;
} catch (const std::exception& error) {
  std::fprintf(stderr, "export_weights: %s\n", error.what());
  return 1;
}
