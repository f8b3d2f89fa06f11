#!/usr/bin/env bash
# Checks that every C++ and CUDA source the repository tracks is formatted as .clang-format says,
# with Debian 12's clang-format-14 (scripts/setup.sh installs it; another version formats some
# constructs differently). Lists each file that differs with the change clang-format would make,
# and fails; formats nothing. To format the files you touched:
#   clang-format-14 -i <files>          (or the whole tree: scripts/format_check.sh --fix)
# CI runs it first (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format-14 >/dev/null || scripts/setup.sh

mapfile -t files < <(git ls-files '*.h' '*.cpp' '*.cu' '*.cuh')
if [ "${1:-}" = "--fix" ]; then
  clang-format-14 -i "${files[@]}"
  echo "format: formatted ${#files[@]} files"
  exit 0
fi
differing=0
for file in "${files[@]}"; do
  if ! clang-format-14 --dry-run --Werror "$file" >/dev/null 2>&1; then
    differing=$((differing + 1))
    echo "format: $file differs from .clang-format:" >&2
    clang-format-14 "$file" | diff -u "$file" - | head -n 40 >&2 || true
  fi
done
if [ "$differing" -ne 0 ]; then
  echo "format: $differing of ${#files[@]} files differ; run clang-format-14 -i on them" >&2
  exit 1
fi
echo "format: all ${#files[@]} files match .clang-format"
