#!/usr/bin/env bash
# Configures and builds the build folder the GPU bundle is made from (scripts/gpu_bundle.sh): a
# portable CUDA build (ENGINE_PORTABLE: OpenBLAS in libengine_openblas.so, libstdc++ linked in)
# without the DICOM codecs (GDCM's libraries are Debian's, absent on a GPU machine), for sm_90
# (H100, H200) unless ENGINE_CUDA_ARCHITECTURES says otherwise; only the bundle's programs.
#
#   scripts/gpu_bundle_build.sh [BUILD]          (default: build-bundle)
#
# Exit status 77 (SKIPPED) without a CUDA toolkit.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build-bundle}"
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
if ! command -v nvcc >/dev/null; then
  echo "SKIPPED: gpu_bundle_build: no CUDA toolkit (nvcc) on this machine"
  exit 77
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DENGINE_PORTABLE=ON \
  -DENGINE_DICOM_CODECS=OFF -DCMAKE_CUDA_ARCHITECTURES="${ENGINE_CUDA_ARCHITECTURES:-90}"
cmake --build "$build_dir" --parallel "${ENGINE_BUILD_JOBS:-$(nproc)}" \
  --target gpu_tests gpu_library_probe end_to_end_bench
