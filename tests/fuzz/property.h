// What every fuzz target shares: a broken property aborts, so libFuzzer keeps the input that
// broke it (a plain return would let it pass as uninteresting).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace engine::fuzz {

inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace engine::fuzz
