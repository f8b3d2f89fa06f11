#include "layers/random_state.h"

#include "util/philox.h"

namespace engine::layers {

kernels::RandomStream RandomState::stream(std::uint64_t layer) const {
  // The key mixes seed and layer through one Philox block, so nearby seeds and layers give
  // unrelated keys; the step is the offset.
  const random::Counter mixed = random::draw(seed_, 0x6c61796572ull /* "layer" */, layer);
  const std::uint64_t key = (static_cast<std::uint64_t>(mixed.words[0]) << 32) | mixed.words[1];
  return kernels::RandomStream{key, step_};
}

}  // namespace engine::layers
