// predict_app's command line, callable from tests: parse, run, write, and the exit status.
//   0  every item succeeded
//   1  some items failed (unreadable, undecodable, not plausibly a hand radiograph, a failed
//      forward pass, or a heatmap that could not be written); every other item is reported
//   2  usage error (bad option, no inputs, unwritable --out or --explain) or an unusable
//      checkpoint (missing, not an engine checkpoint, corrupted or tampered with, no metadata)
//   3  --verify-on-cpu found a decision that the CPU reference makes differently
// Anything else escapes as an exception: predict_app's main reports it as an internal error (4).
#pragma once

#include <cstdio>

namespace engine::apps {

int predict_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace engine::apps
