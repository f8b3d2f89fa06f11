#include "apps/tools/export_weights_command.h"

#include <cstdint>
#include <limits>
#include <string>

#include "apps/common/arguments.h"
#include "apps/common/output_guard.h"
#include "models/registry.h"
#include "models/safetensors.h"
#include "models/weights.h"
#include "util/json.h"

namespace engine::apps {

bool is_exported_weights(const std::filesystem::path& file) {
  // Only the header is read: its 8-byte little-endian length, then that much JSON.
  const std::string size_bytes = file_head(file, 8);
  if (size_bytes.size() < 8) return false;
  std::uint64_t size = 0;
  for (int i = 7; i >= 0; --i) size = (size << 8) | static_cast<unsigned char>(size_bytes[i]);
  constexpr std::uint64_t largest_header = 16 << 20;  // ours are tens of kilobytes
  if (size == 0 || size > largest_header) return false;
  const std::string head = file_head(file, 8 + size);
  if (head.size() != 8 + size) return false;
  try {
    const Json header = Json::parse(std::string_view(head).substr(8));
    const Json* metadata = header.find("__metadata__");
    return metadata != nullptr && metadata->is_object() &&
           metadata->find("engine.architecture") != nullptr &&
           metadata->find("engine.seed") != nullptr &&
           metadata->find("engine.checkpoint") == nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

int export_weights_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  std::int64_t seed = 0, classes = 2;
  bool auxiliary_head = true, overwrite = false;
  ArgumentTable table("export_weights", "<architecture> <out.safetensors> [options]");
  table.integer("seed", &seed, "seed of the initialisation", 0,
                std::numeric_limits<std::int64_t>::max());
  table.integer("classes", &classes, "classes of the head", 1, 100000);
  table.flag("aux", &auxiliary_head, "InceptionV3's auxiliary head");
  table.flag("overwrite", &overwrite,
             "replace a file export_weights wrote earlier (never any other file)");
  std::string file;
  try {
    const std::vector<std::string> positional = table.parse(argc, argv);
    if (table.help_requested()) {
      std::fputs(table.help().c_str(), out);
      return 0;
    }
    if (positional.size() != 2) {
      throw ArgumentError("give an architecture and an output file (see --help)");
    }
    file = positional[1];
    OutputGuard guard("export_weights", overwrite);
    guard.check_file(file, file, is_exported_weights);
    models::ModelOptions options;
    options.seed = static_cast<std::uint64_t>(seed);
    options.classes = classes;
    options.auxiliary_head = auxiliary_head;
    auto model = models::create_model(positional[0], options);
    write_safetensors(file, models::export_state(*model),
                      {{"engine.architecture", model->architecture()},
                       {"engine.seed", std::to_string(options.seed)},
                       {"engine.version", ENGINE_VERSION},
                       {"format", "pt"}});
    std::fprintf(out, "%s: %s, seed %llu, %lld classes, %lld parameters\n", file.c_str(),
                 model->architecture().c_str(), static_cast<unsigned long long>(options.seed),
                 static_cast<long long>(options.classes),
                 static_cast<long long>(model->parameter_count()));
    return 0;
  } catch (const ArgumentError& error) {
    std::fprintf(err, "export_weights: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(err, "export_weights: %s\n", error.what());
    return 1;
  }
}

}  // namespace engine::apps
