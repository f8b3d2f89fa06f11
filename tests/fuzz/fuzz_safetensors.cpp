// Fuzzes the safetensors reader (models/safetensors.cpp) and the engine's checkpoint format on
// top of it (models/checkpoint_format.cpp: metadata, tensor digest, signature). Besides crashes
// and sanitizer reports, it checks on every input:
//   - the only exceptions are SafetensorsError, JsonError and std::invalid_argument (the reader's
//     and the checkpoint's named errors); anything else escapes and libFuzzer reports it;
//   - an accepted file survives a round trip: encoding its tensors and metadata again and reading
//     that gives the same metadata and the same tensor digest (names, dtypes, shapes, bytes);
//   - a checkpoint that verifies still verifies after that round trip, with the same signature.
// A file with engine.checkpoint metadata is also read re-signed (its tensor digest and signature
// recomputed), because otherwise almost every mutation would stop at the digest check and the
// metadata reader behind it would never be reached (as fuzz_image repairs PNG CRCs).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/checkpoint.h"
#include "models/safetensors.h"
#include "tests/fuzz/property.h"
#include "util/json.h"

namespace {

using engine::fuzz::require;

template <typename Read>
bool reads(const Read& read) {
  try {
    read();
    return true;
  } catch (const engine::SafetensorsError&) {
  } catch (const engine::JsonError&) {
  } catch (const std::invalid_argument&) {
  }
  return false;
}

// The file's tensors and metadata with engine.tensor_sha256 and engine.checkpoint_sha256 made to
// match them.
std::vector<std::uint8_t> resigned(const engine::SafetensorsContent& content) {
  std::map<std::string, std::string> metadata = content.metadata;
  const std::string digest = engine::models::tensor_digest(content.tensors);
  metadata["engine.tensor_sha256"] = digest;
  const auto training = metadata.find("engine.training_state");
  metadata["engine.checkpoint_sha256"] = engine::models::checkpoint_signature(
      metadata["engine.checkpoint"], training == metadata.end() ? "" : training->second, digest);
  return engine::encode_safetensors(content.tensors, metadata);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::vector<std::uint8_t> input(bytes, bytes + size);
  engine::SafetensorsContent content;
  if (!reads([&] { content = engine::parse_safetensors(input, "fuzz.safetensors"); })) return 0;

  const std::vector<std::uint8_t> again =
      engine::encode_safetensors(content.tensors, content.metadata);
  engine::SafetensorsContent reread;
  require(reads([&] { reread = engine::parse_safetensors(again, "again.safetensors"); }),
          "the writer's own file reads");
  require(reread.metadata == content.metadata, "metadata survives a round trip");
  require(engine::models::tensor_digest(reread.tensors) ==
              engine::models::tensor_digest(content.tensors),
          "tensors survive a round trip");

  if (content.metadata.count("engine.checkpoint") != 0) {
    reads([&] { engine::models::parse_checkpoint(resigned(content), "resigned.safetensors"); });
  }
  engine::models::CheckpointContents checkpoint;
  if (!reads([&] { checkpoint = engine::models::parse_checkpoint(input, "fuzz.safetensors"); })) {
    return 0;
  }
  engine::models::CheckpointContents rewritten;
  require(reads([&] { rewritten = engine::models::parse_checkpoint(again, "again.safetensors"); }),
          "a verified checkpoint still verifies after a round trip");
  require(rewritten.checkpoint_sha256 == checkpoint.checkpoint_sha256,
          "the signature survives a round trip");
  return 0;
}
