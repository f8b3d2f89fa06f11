#!/usr/bin/env bash
# The GPU check, for a machine with a GPU: runs the CPU-vs-CUDA parity tests (gpu_tests) from an
# existing build folder, then a small throughput smoke, and prints a summary table to paste into
# docs/GPU_LOG.md. Nothing is built: the folder may come from another machine of the same
# architecture (built there with the CUDA toolkit for this GPU, e.g. sm_90 for an H100); only
# build/tests/gpu_tests is needed from it.
#
#   scripts/gpu_check.sh [build folder]        (default: build)
#
# When the folder also holds bench/end_to_end_bench and python3 can import torch and torchvision,
# a quick side-by-side with PyTorch follows (bench/compare_pytorch.py --quick: ResNet-18, eager
# and channels_last, one round), bounded by GPU_CHECK_COMPARE_SECONDS (default 240); its table
# is printed but does not change the exit status.
#
# Exit status: 0 when every parity test passed and the smoke ran; 1 when something failed;
# 2 when nothing could run (no gpu_tests in the folder, missing CUDA libraries, no usable GPU).
set -uo pipefail
cd "$(dirname "$0")/.."

build_dir="${1:-build}"
tests="$build_dir/tests/gpu_tests"
command_line="scripts/gpu_check.sh $build_dir"

if [[ ! -x "$tests" ]]; then
  echo "gpu_check: $tests not found. Build it first, with the CUDA toolkit (scripts/build.sh, or" >&2
  echo "  cmake -S . -B $build_dir -G Ninja && ninja -C $build_dir gpu_tests), or copy it here." >&2
  exit 2
fi

# The CUDA runtime, cuBLAS and cuDNN the binary was linked against must load here. A build from
# another machine finds them through its run path when the toolkit lives in the same place;
# otherwise try the usual homes before giving up with the names of the missing libraries.
if ldd "$tests" | grep -q "not found"; then
  for dir in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib; do
    [[ -d "$dir" ]] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$dir"
  done
  if ldd "$tests" | grep -q "not found"; then
    echo "gpu_check: $tests needs libraries this machine does not have:" >&2
    ldd "$tests" | grep "not found" >&2
    exit 2
  fi
fi

logs="$(mktemp -d)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

echo "== GPU parity tests ($tests)"
"$tests" 2>&1 | tee "$logs/parity.log"
parity_status=${PIPESTATUS[0]}
if [[ $parity_status -eq 77 ]]; then
  echo >&2
  echo "gpu_check: $(grep -m1 '^SKIPPED' "$logs/parity.log" || echo 'no GPU found')." >&2
  echo "gpu_check: nothing was run; run this on a machine with a GPU." >&2
  exit 2
fi

echo
echo "== throughput smoke"
"$tests" --test-suite=throughput --no-skip 2>&1 | tee "$logs/smoke.log"
smoke_status=${PIPESTATUS[0]}

result() { [[ $1 -eq 0 ]] && echo "passed" || echo "FAILED (exit $1)"; }
# doctest's summary lines, with their "|" separators turned into commas for the table.
doctest_line() { grep -m1 "^\[doctest\] $2" "$1" | sed -e 's/^\[doctest\] //' -e 's/ *| */, /g' -e 's/, *$//'; }

echo
echo "== summary (for docs/GPU_LOG.md)"
echo "- date: $started"
echo "- device: $(grep -m1 '^GPU tests on' "$logs/parity.log" | sed 's/^GPU tests on //')"
echo "- command: $command_line"
echo
echo "| check | result | details |"
echo "| --- | --- | --- |"
echo "| GPU parity tests | $(result "$parity_status") | $(doctest_line "$logs/parity.log" "test cases"); $(doctest_line "$logs/parity.log" assertions) |"
echo "| throughput smoke | $(result "$smoke_status") | $(doctest_line "$logs/smoke.log" "test cases") |"
echo
echo "| smoke | batch | images/s | notes |"
echo "| --- | ---: | ---: | --- |"
grep '^SMOKE|' "$logs/smoke.log" | awk -F'|' '{ printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }'
rm -rf "$logs"

bench="$build_dir/bench/end_to_end_bench"
if [[ -x "$bench" ]] && python3 -c "import torch, torchvision" 2>/dev/null; then
  echo
  echo "== quick comparison with PyTorch (bench/compare_pytorch.py --device cuda --quick)"
  timeout "${GPU_CHECK_COMPARE_SECONDS:-240}" python3 bench/compare_pytorch.py --device cuda --quick \
    --bench "$bench" || echo "gpu_check: the comparison did not finish (exit $?); see above."
else
  echo
  echo "gpu_check: no comparison with PyTorch ($bench missing or no torch/torchvision here)."
fi

[[ $parity_status -eq 0 && $smoke_status -eq 0 ]] && exit 0
exit 1
