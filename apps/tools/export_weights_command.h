// export_weights as a function, so the tests can run it and read its messages:
//
//   export_weights <architecture> <out.safetensors> [--seed S] [--classes K] [--no-aux]
//                  [--overwrite]
//
// writes a freshly initialised model (architecture, seed, class count) as safetensors in
// torchvision's layout and key names. The output may not replace a file export_weights did not
// write (recognised by its header: the metadata engine.architecture and engine.seed, and no
// engine.checkpoint, as only export_weights writes), and replaces one it did write only with
// --overwrite. Returns 0 on success (and for --help), 1 when writing fails, 2 for a wrong command
// line or a refused output.
#pragma once

#include <cstdio>
#include <filesystem>

namespace engine::apps {

int export_weights_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

// True when `file` is a safetensors file whose metadata export_weights writes.
bool is_exported_weights(const std::filesystem::path& file);

}  // namespace engine::apps
