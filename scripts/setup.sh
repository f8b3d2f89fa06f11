#!/usr/bin/env bash
# Installs what the engine needs from Debian 12's archive, only if something is missing.
# Extra package names given as arguments are installed too (scripts/fuzz.sh asks for clang-14 and
# libclang-rt-14-dev, its libFuzzer runtime, this way).
# The CUDA toolkit is not installed here: when nvcc (with cuBLAS and cuDNN 9) is present, the
# build uses it; otherwise the build is CPU-only and says so.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config git
          libopenblas-dev libstb-dev doctest-dev libbenchmark-dev python3
          libgdcm-dev  # DICOM: GDCM's JPEG and JPEG 2000 codecs (docs/PREDICT.md)
          clang-format-14  # scripts/format_check.sh (CI): the tree's formatting
          "$@")

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  run_as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
