// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
// counter-based generator. A draw is a pure function of (key, counter), so the random numbers for
// element i of a call, or sample i of an epoch, do not depend on thread count, device or the
// order in which anything ran. The same header compiles for the CPU and, under nvcc, for CUDA.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define ENGINE_HOST_DEVICE __host__ __device__
#else
#define ENGINE_HOST_DEVICE
#endif

namespace engine::random {

struct Counter {
  std::uint32_t words[4];
};

ENGINE_HOST_DEVICE inline Counter philox4x32(Counter counter, std::uint64_t key64) {
  std::uint32_t key0 = static_cast<std::uint32_t>(key64);
  std::uint32_t key1 = static_cast<std::uint32_t>(key64 >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t product0 = static_cast<std::uint64_t>(0xD2511F53u) * counter.words[0];
    const std::uint64_t product1 = static_cast<std::uint64_t>(0xCD9E8D57u) * counter.words[2];
    const std::uint32_t high0 = static_cast<std::uint32_t>(product0 >> 32);
    const std::uint32_t low0 = static_cast<std::uint32_t>(product0);
    const std::uint32_t high1 = static_cast<std::uint32_t>(product1 >> 32);
    const std::uint32_t low1 = static_cast<std::uint32_t>(product1);
    counter =
        Counter{{high1 ^ counter.words[1] ^ key0, low1, high0 ^ counter.words[3] ^ key1, low0}};
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return counter;
}

// The four words for position `index` of stream `offset` under `seed`.
ENGINE_HOST_DEVICE inline Counter draw(std::uint64_t seed, std::uint64_t offset,
                                       std::uint64_t index) {
  return philox4x32(
      Counter{{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
               static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(offset >> 32)}},
      seed);
}

// A float in [0, 1) from the top 24 bits of a word: every value is exactly representable, so
// the CPU and the GPU agree bit for bit.
ENGINE_HOST_DEVICE inline float unit_float(std::uint32_t word) {
  return static_cast<float>(word >> 8) * (1.0f / 16777216.0f);
}

// A double in [0, 1) from 53 bits of two words.
ENGINE_HOST_DEVICE inline double unit_double(std::uint32_t high, std::uint32_t low) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(high) << 21) ^ (low >> 11);
  return static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
}

ENGINE_HOST_DEVICE inline float uniform(std::uint64_t seed, std::uint64_t offset,
                                        std::uint64_t index) {
  return unit_float(draw(seed, offset, index).words[0]);
}

}  // namespace engine::random
