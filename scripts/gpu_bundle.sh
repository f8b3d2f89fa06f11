#!/usr/bin/env bash
# Makes the GPU bundle: one folder (at most 48 MiB) holding everything the GPU check needs that a
# bare GPU machine lacks, so that nothing is built there.
#
#   scripts/gpu_bundle.sh BUILD OUT
#
# BUILD is a portable CUDA build (the default for a CUDA build: CMakeLists.txt, ENGINE_PORTABLE),
# e.g. `ENGINE_BUILD_DIR=build-cuda scripts/build.sh -DCMAKE_CUDA_ARCHITECTURES=90` (sm_90: H100,
# H200). OUT is replaced by:
#   tests/gpu_tests, tests/gpu_library_probe, bench/end_to_end_bench   stripped programs
#   libengine_openblas.so       OpenBLAS, found by the programs through their run path $ORIGIN/..
#   scripts/gpu_check.sh, bench/compare_pytorch.py
#   BUNDLE.txt                  where it was built, from what, and the SHA-256 of every file
# It never holds an NVIDIA library (CUDA runtime, cuBLAS, cuDNN...): those come from the GPU
# machine, where scripts/gpu_check.sh finds them. The programs need nothing else but the C
# library: the bundle is refused when one of them needs another library, and when it is too big.
# The GPU tests read no fixture files (the bundle is refused if one starts to: teach this script
# to carry them then).
set -euo pipefail

size_limit=$((48 * 1024 * 1024))
if [[ $# -ne 2 ]]; then
  echo "usage: scripts/gpu_bundle.sh BUILD OUT" >&2
  exit 2
fi
source_root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
out="$2"
fail() {
  echo "gpu_bundle: $*" >&2
  exit 1
}

[[ -f "$build/CMakeCache.txt" ]] || fail "$build is not a build folder (no CMakeCache.txt)"
grep -q '^ENGINE_PORTABLE:BOOL=ON' "$build/CMakeCache.txt" ||
  fail "$build is not a portable CUDA build: configure it with a CUDA toolkit and -DENGINE_PORTABLE=ON"
required=(tests/gpu_tests tests/gpu_library_probe libengine_openblas.so)
for file in "${required[@]}"; do
  [[ -f "$build/$file" ]] ||
    fail "$build/$file is missing: cmake --build $build --target gpu_tests gpu_library_probe end_to_end_bench"
done
if grep -lE 'ENGINE_SOURCE_DIR|tests/fixtures' "$source_root"/tests/gpu/*.cpp; then
  fail "the GPU tests above read files from the source tree; the bundle does not carry them yet"
fi

rm -rf "$out"
mkdir -p "$out/tests" "$out/bench" "$out/scripts"
strip --strip-all -o "$out/tests/gpu_tests" "$build/tests/gpu_tests"
strip --strip-all -o "$out/tests/gpu_library_probe" "$build/tests/gpu_library_probe"
strip --strip-unneeded -o "$out/libengine_openblas.so" "$build/libengine_openblas.so"
if [[ -f "$build/bench/end_to_end_bench" ]]; then
  strip --strip-all -o "$out/bench/end_to_end_bench" "$build/bench/end_to_end_bench"
else
  echo "gpu_bundle: no $build/bench/end_to_end_bench: the bundle cannot run --compare" >&2
fi
cp "$source_root/scripts/gpu_check.sh" "$out/scripts/"
cp "$source_root/bench/compare_pytorch.py" "$out/bench/"

# Every library a program asks for must be the C library's, NVIDIA's, or the bundle's own.
allowed='^(libc|libm|libdl|libpthread|librt|ld-linux-x86-64)\.so|^libengine_openblas\.so$|^lib(cudart|cublas|cublasLt)\.so\.13$|^libcudnn\.so\.9$'
for program in "$out"/tests/* "$out"/bench/end_to_end_bench "$out/libengine_openblas.so"; do
  [[ -f "$program" && "$program" != *.py ]] || continue
  while read -r library; do
    [[ "$library" =~ $allowed ]] ||
      fail "${program#"$out"/} needs $library, which a bare GPU machine lacks (is $build portable?)"
  done < <(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
if find "$out" -name 'libcu*' -o -name 'libnv*' | grep -q .; then
  fail "an NVIDIA library ended up in $out"
fi

{
  echo "GPU bundle made by scripts/gpu_bundle.sh (run scripts/gpu_check.sh in it; docs/GPU_LOG.md)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git -C "$source_root" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "build: $build"
  sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=/cuda architectures: /p' "$build/CMakeCache.txt"
  sed -n 's/^set(CMAKE_CUDA_COMPILER_VERSION "\(.*\)")$/nvcc: \1/p' \
    "$build"/CMakeFiles/*/CMakeCUDACompiler.cmake 2>/dev/null | head -1
  grep -h -E '#define (CUDNN_MAJOR|CUDNN_MINOR|CUDNN_PATCHLEVEL|CUBLAS_VER_MAJOR|CUBLAS_VER_MINOR|CUDART_VERSION) ' \
    /usr/local/cuda/include/cudnn_version.h /usr/local/cuda/include/cublas_api.h \
    /usr/local/cuda/include/cuda_runtime_api.h 2>/dev/null | sed 's/^#define /header: /'
  echo "files (bytes, sha256):"
  (cd "$out" && find . -type f ! -name BUNDLE.txt | sort | while read -r file; do
    printf '  %-32s %10d  %s\n' "${file#./}" "$(stat -c %s "$file")" "$(sha256sum "$file" | cut -d' ' -f1)"
  done)
} >"$out/BUNDLE.txt"

size=$(du -sb "$out" | cut -f1)
if ((size > size_limit)); then
  fail "$out is $size bytes, over the 48 MiB limit ($size_limit bytes)"
fi
echo "gpu_bundle: $out: $size bytes ($(awk -v bytes="$size" 'BEGIN { printf "%.1f", bytes / 1048576 }') MiB of at most 48)"
