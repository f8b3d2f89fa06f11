#!/usr/bin/env bash
# Proves the GPU bundle here, without a GPU: makes it from BUILD (scripts/gpu_bundle.sh), then runs
# its scripts/gpu_check.sh on a simulated bare GPU machine and requires that every library loads
# and gpu_tests gets as far as "no GPU found" (gpu_check exit 77), not "library missing".
#
#   scripts/gpu_bundle_selftest.sh [--python PYTHON] BUILD
#
# The simulated machine is a private mount namespace (unshare, as root) in which
# - the system library folder /usr/lib/x86_64-linux-gnu (= /lib/x86_64-linux-gnu) holds only what
#   any GPU image has: the C library, libstdc++, libgcc_s and zlib (which cuDNN needs), and the
#   libraries of the shell tools and python3 that gpu_check.sh uses; Debian's OpenBLAS, libgfortran,
#   libquadmath, Google Benchmark and all the rest are gone;
# - /usr/local/lib and the source tree are hidden (the bundle is made outside it);
# - the environment is empty (env -i) but for PATH, HOME and LANG.
# NVIDIA's libraries come from:
# - without --python (CI: .ci/run): the CUDA toolkit in
#   /usr/local/cuda, the only other library folder left;
# - with --python PYTHON: the NVIDIA wheels of that python's environment (pip-installed
#   nvidia-cudnn-cu13, nvidia-cublas, nvidia-cuda-runtime, ...: docs/GPU_LOG.md), its bin folder
#   first on PATH as on the GPU machine; /usr/local/cuda is hidden too.
#
# Exit status: 0 passed; 1 failed (the reasons printed); 77 SKIPPED, with the reason: a build
# without the CUDA backend or not portable, no CUDA toolkit with cuDNN, or no mount namespace.
set -uo pipefail

python=""
if [[ "${1:-}" == "--python" ]]; then
  python="${2:?--python needs a python3}"
  shift 2
fi
if [[ $# -ne 1 ]]; then
  echo "usage: scripts/gpu_bundle_selftest.sh [--python PYTHON] BUILD" >&2
  exit 2
fi
source_root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
skip() {
  echo "SKIPPED: gpu_bundle_selftest: $*"
  exit 77
}
fail() {
  echo "gpu_bundle_selftest: FAILED: $*"
  exit 1
}

grep -q '^CMAKE_CUDA_COMPILER:[A-Z]*=/' "$build/CMakeCache.txt" 2>/dev/null ||
  skip "$build has no CUDA backend (configured without a CUDA toolkit, or with -DENGINE_CUDA=OFF)"
grep -q '^ENGINE_PORTABLE:BOOL=ON' "$build/CMakeCache.txt" ||
  skip "$build is not a portable build (ENGINE_PORTABLE is off, e.g. for sanitizers)"
toolkit="$(readlink -f /usr/local/cuda)"
if [[ -z "$python" && ! -e "$toolkit/lib64/libcudnn.so.9" && ! -e "$toolkit/lib/libcudnn.so.9" ]]; then
  skip "no cuDNN 9 in the CUDA toolkit $toolkit to take the NVIDIA libraries from"
fi
[[ $(id -u) -eq 0 ]] || skip "a mount namespace needs root"
unshare --mount --propagation private true 2>/dev/null || skip "unshare --mount is not permitted here"

work="$(mktemp -d /tmp/gpu_bundle_selftest.XXXXXX)"
trap 'rm -rf "$work"' EXIT
bundle="$work/gpu-bundle"
started=$SECONDS
"$source_root/scripts/gpu_bundle.sh" "$build" "$bundle" || fail "the bundle could not be made"

# The base system's libraries, copied into the folder that will stand for the system's.
system_libraries="$work/system-libraries"
mkdir -p "$system_libraries"
hide_toolkit=0
path="/usr/local/bin:/usr/bin:/bin"
if [[ -n "$python" ]]; then
  hide_toolkit=1
  path="$(dirname "$python"):$path"
fi
tools=(bash env timeout dirname basename cat cp mkdir mktemp rm tee grep sed awk head tail sort
  tr cut date du ls readlink stat sha256sum id sleep wc python3)
paths=()
for tool in "${tools[@]}"; do
  found="$(PATH="$path" command -v "$tool")" && paths+=("$found")
done
{
  dpkg -L libc6 libstdc++6 libgcc-s1 zlib1g | grep -E '^(/usr)?/lib/x86_64-linux-gnu/[^/]+\.so'
  for program in "${paths[@]}"; do
    ldd "$program" 2>/dev/null | sed -n 's/^\t.* => \(\/[^ ]*\) (0x.*)$/\1/p'
  done
} | sort -u | while read -r library; do
  [[ "$library" == /lib/x86_64-linux-gnu/* || "$library" == /usr/lib/x86_64-linux-gnu/* ]] &&
    cp -L "$library" "$system_libraries/"
done

# What runs inside the namespace: hide, check the hiding, run the check as the GPU machine would.
logs="$work/logs"
mkdir -p "$logs"
cat >"$work/inside.sh" <<'EOF'
set -u
system_libraries="$1" bundle="$2" logs="$3" source_root="$4" toolkit="$5" hide_toolkit="$6" path="$7"
# Every mount before the library folder is replaced: mount itself needs libraries not kept.
mount -t tmpfs -o size=1m,mode=0755 gpu-selftest "$source_root" || exit 90
mount -t tmpfs -o size=1m,mode=0755 gpu-selftest /usr/local/lib || exit 90
if [[ "$hide_toolkit" == 1 ]]; then mount -t tmpfs -o size=1m,mode=0755 gpu-selftest "$toolkit" || exit 90; fi
mount --bind "$system_libraries" /usr/lib/x86_64-linux-gnu || exit 90
{
  echo "simulated bare machine:"
  gone="libopenblas.so.0 libgfortran.so.5 libquadmath.so.0 libbenchmark.so.1 libgomp.so.1"
  for library in $gone; do
    if [[ -e /usr/lib/x86_64-linux-gnu/$library || -e /lib/x86_64-linux-gnu/$library ]]; then
      echo "  LEAK: $library is visible"
    fi
  done
  echo "  absent, as checked: $gone, /usr/local/lib/libcudart.so.13, $source_root/CMakeLists.txt"
  [[ -e /usr/local/lib/libcudart.so.13 ]] && echo "  LEAK: /usr/local/lib is visible"
  [[ -e "$source_root/CMakeLists.txt" ]] && echo "  LEAK: the source tree is visible"
  if [[ "$hide_toolkit" == 1 ]]; then
    echo "  absent, as checked: /usr/local/cuda/lib/libcudnn.so.9, /usr/local/cuda/lib/libcudart.so.13"
    if [[ -e /usr/local/cuda/lib/libcudnn.so.9 || -e /usr/local/cuda/lib/libcudart.so.13 ]]; then
      echo "  LEAK: /usr/local/cuda is visible"
    fi
  fi
  echo "  system library folder: $(ls /usr/lib/x86_64-linux-gnu | wc -l) files: $(ls /usr/lib/x86_64-linux-gnu | tr '\n' ' ')"
  echo "  /usr/local/cuda: $(ls /usr/local/cuda/ 2>/dev/null | wc -l) entries"
} >"$logs/machine.txt"
env -i PATH="$path" HOME=/root LANG=C.UTF-8 bash "$bundle/scripts/gpu_check.sh" --logs "$logs" "$bundle" \
  >"$logs/gpu_check.txt" 2>&1
echo $? >"$logs/gpu_check.status"
EOF
timeout 300 unshare --mount --propagation private bash "$work/inside.sh" "$system_libraries" \
  "$bundle" "$logs" "$source_root" "$toolkit" "$hide_toolkit" "$path"
inside=$?
[[ $inside -eq 0 ]] || fail "the simulated machine could not be set up (exit $inside)"

variant="NVIDIA libraries from the CUDA toolkit ($toolkit)"
[[ -n "$python" ]] && variant="NVIDIA libraries from the wheels of $python"
echo "== simulated bare GPU machine, $variant"
cat "$logs/machine.txt"
echo "== scripts/gpu_check.sh there (exit $(cat "$logs/gpu_check.status"))"
cat "$logs/gpu_check.txt"
echo "=="

output="$logs/gpu_check.txt"
problems=()
grep -q 'LEAK' "$logs/machine.txt" && problems+=("the simulated machine leaks a library folder (LEAK above)")
[[ "$(cat "$logs/gpu_check.status")" == 77 ]] || problems+=("gpu_check exited $(cat "$logs/gpu_check.status"), not 77")
grep -q '^SKIPPED: no GPU (no GPU found' "$output" || problems+=("gpu_tests did not stop at \"no GPU found\"")
grep -q 'gpu_library_probe: every library loads' "$output" || problems+=("the library probe did not pass")
grep -qi 'not found' "$output" && problems+=("a library was not found")
for library in graph ops cnn adv heuristic engines_precompiled engines_runtime_compiled; do
  grep -qE "^  libcudnn_$library\.so\.9 +ok " "$output" || problems+=("libcudnn_$library.so.9 did not load")
done
for library in libnvrtc.so.13 libnvJitLink.so.13; do
  grep -qE "^$library +/.* ok" "$output" || problems+=("$library did not load")
done
# Every library the bundle's programs resolved lies in the bundle, the base system's folder or the
# expected NVIDIA folder.
nvidia_home="$toolkit/"
[[ -n "$python" ]] && nvidia_home="$("$python" -c 'import sys; print(sys.prefix)')/"
while read -r library resolved; do
  case "$resolved" in
    "$bundle"/* | /lib/x86_64-linux-gnu/* | /usr/lib/x86_64-linux-gnu/* | /lib64/*) ;;
    "$nvidia_home"*) ;;
    *) problems+=("$library resolved to $resolved, outside the bundle, the base system and $nvidia_home") ;;
  esac
done < <(sed -n 's/^    \([^ ]*\) => \(\/[^ ]*\)$/\1 \2/p' "$output")
grep -qE "libcudnn\.so\.9 +$nvidia_home" "$output" || problems+=("cuDNN was not taken from $nvidia_home")

if [[ ${#problems[@]} -gt 0 ]]; then
  printf 'gpu_bundle_selftest: FAILED: %s\n' "${problems[@]}"
  exit 1
fi
echo "gpu_bundle_selftest: passed in $((SECONDS - started)) s: $variant; every library resolved," \
  "the probe loaded cuDNN's 7 sub-libraries, gpu_tests stopped at \"no GPU found\" (exit 77)"
