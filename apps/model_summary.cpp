// model_summary: the layers, output shapes, parameter counts and multiply-accumulates per image
// of one of the four architectures.
//
//   model_summary <resnet18|resnet50|inception_v3|efficientnet_b0> [--input-size N]
//                 [--classes K] [--no-aux]
#include <cstdio>
#include <string>

#include "models/registry.h"
#include "models/summary.h"

using namespace engine;

int main(int argc, char** argv) try {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::puts(
        "model_summary <architecture> [--input-size N (architecture's)] [--classes K (2)] "
        "[--no-aux (InceptionV3 without its auxiliary head)]");
    std::string known;
    for (const auto& architecture : models::architectures()) {
      std::printf("  %-16s input %lld: %s\n", architecture.name,
                  static_cast<long long>(architecture.input_size), architecture.description);
    }
    return argc < 2 ? 1 : 0;
  }
  const models::Architecture& architecture = models::find_architecture(argv[1]);
  models::ModelOptions options;
  std::int64_t input_size = architecture.input_size;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-aux") {
      options.auxiliary_head = false;
    } else if ((flag == "--input-size" || flag == "--classes") && i + 1 < argc) {
      const long long value = std::stoll(argv[++i]);
      (flag == "--classes" ? options.classes : input_size) = value;
    } else {
      throw std::invalid_argument("unknown or incomplete option '" + flag + "' (see --help)");
    }
  }
  auto model = architecture.create(options);
  std::fputs(models::summarize(*model, input_size).table().c_str(), stdout);
  return 0;
} catch (const std::exception& error) {
  std::fprintf(stderr, "model_summary: %s\n", error.what());
  return 1;
}
