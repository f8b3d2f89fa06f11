#!/usr/bin/env bash
# Configures and builds the engine, apps, tests and benchmarks into build/ (Release).
# Extra arguments go to CMake, e.g. scripts/build.sh -DENGINE_CUDA=OFF for a CPU-only build.
set -euo pipefail
cd "$(dirname "$0")/.."

# CMake finds nvcc on PATH; the toolkit's usual home is added when it is not there.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi

build_dir="${ENGINE_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir" --parallel "${ENGINE_BUILD_JOBS:-$(nproc)}"
