#!/usr/bin/env bash
# The GPU check, for a bare GPU machine: runs a GPU bundle (scripts/gpu_bundle.sh) with the NVIDIA
# libraries that machine has, and prints a summary for docs/GPU_LOG.md. Nothing is built.
#
#   scripts/gpu_check.sh [--compare] [--allow-older] [--logs DIR] [BUNDLE]
#
# BUNDLE: the bundle folder (default: the bundle this script is part of, when it is, else
# .carry/gpu-bundle in the repository root). A portable build folder works too.
#   --compare      also the quick side-by-side with PyTorch (bench/compare_pytorch.py --quick)
#   --allow-older  run even when cuDNN, cuBLAS or the CUDA runtime is an older minor release
#                  than the build's headers (gpu_library_probe says why that is refused)
#   --logs DIR     also write each step's output to DIR (e.g. $OUT on the GPU machine)
#
# Where the NVIDIA libraries come from, first found first: the folders of GPU_CHECK_LIBRARY_PATH
# (to choose by hand); the NVIDIA wheels of python3 (on PATH, then GPU_CHECK_PYTHON, then
# /opt/torch/.venv/bin/python3): nvidia/cu13/lib (CUDA 13 wheels: runtime, cuBLAS, NVRTC,
# nvJitLink), nvidia/cudnn/lib, and the older one-folder-per-library layout (nvidia/cublas/lib,
# ...), which PyTorch's release pins to one tested set; the folders of LD_LIBRARY_PATH; then
# /usr/local/cuda (a toolkit may be an older minor release than the build's headers). cuDNN and
# all its sub-libraries must come from one folder, which cuDNN loads them from.
#
# Steps, each bounded (seconds; override with the variables named), 330 s in all by design, so
# the whole check stays under 6 minutes of GPU time; --compare adds at most 240 s:
#   1. libraries: found folders, every program's libraries resolved (ldd)       no GPU time
#   2. gpu_library_probe: versions found against built; cuDNN's sub-libraries    GPU_CHECK_PROBE_SECONDS=15
#   3. first contact: one cuDNN convolution (gpu_tests -ts=first_contact)       GPU_CHECK_CONTACT_SECONDS=60
#   4. parity suite: CUDA_LAUNCH_BLOCKING=1, doctest --duration=true           GPU_CHECK_PARITY_SECONDS=195
#   5. throughput smoke (gpu_tests -ts=throughput --no-skip)                    GPU_CHECK_SMOKE_SECONDS=60
#   6. with --compare: bench/compare_pytorch.py --device cuda --quick           GPU_CHECK_COMPARE_SECONDS=240
# Steps 2 and 3 run with LD_BIND_NOW=1: a function missing from a library fails at the start.
# Steps 4 and 5 run even when another fails, so one run shows everything it can.
#
# Exit status:
#   0   every step passed
#   1   a test failed (first contact, parity or smoke)
#   2   usage, or the bundle is incomplete
#   3   a library is too old for the build (or the driver for the runtime)
#   4   a library is missing or does not load
#   6   a step ran past its timeout (and nothing failed outright)
#   77  no GPU found: the libraries all loaded, gpu_tests stopped at "no GPU found" (what the
#       simulated bare machine of scripts/gpu_bundle_selftest.sh must reach)
set -uo pipefail

script_folder="$(cd "$(dirname "$0")" && pwd)"
compare=0
allow_older=()
logs=""
bundle=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --compare) compare=1 ;;
    --allow-older) allow_older=(--allow-older) ;;
    --logs) logs="${2:?--logs needs a folder}"; shift ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "gpu_check: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) bundle="$1" ;;
  esac
  shift
done
if [[ -z "$bundle" ]]; then
  if [[ -f "$script_folder/../BUNDLE.txt" ]]; then bundle="$script_folder/.."; else bundle="$script_folder/../.carry/gpu-bundle"; fi
fi
# A copy may have lost the programs' execute bits.
for program in tests/gpu_tests tests/gpu_library_probe bench/end_to_end_bench; do
  [[ -f "$bundle/$program" && ! -x "$bundle/$program" ]] && chmod +x "$bundle/$program" 2>/dev/null
done
if [[ ! -x "$bundle/tests/gpu_tests" || ! -x "$bundle/tests/gpu_library_probe" ]]; then
  echo "gpu_check: $bundle has no tests/gpu_tests and tests/gpu_library_probe: make the bundle" >&2
  echo "  here with scripts/gpu_bundle.sh BUILD .carry/gpu-bundle (docs/GPU_LOG.md)" >&2
  exit 2
fi
bundle="$(cd "$bundle" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[[ -n "$logs" ]] && mkdir -p "$logs"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

# ---- 1. the NVIDIA libraries --------------------------------------------------------------------
cudnn_family=(libcudnn.so.9 libcudnn_graph.so.9 libcudnn_ops.so.9 libcudnn_cnn.so.9 libcudnn_adv.so.9
  libcudnn_heuristic.so.9 libcudnn_engines_precompiled.so.9 libcudnn_engines_runtime_compiled.so.9)
wanted=(libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13 libnvJitLink.so.13)
optional=" libnvrtc.so.13 libnvJitLink.so.13 "

candidates=()  # "folder|where it came from"
add_path_folders() {  # the folders of "$1", a colon-separated list, from variable "$2"
  local folders folder
  IFS=: read -r -a folders <<<"$1"
  for folder in "${folders[@]}"; do [[ -n "$folder" ]] && candidates+=("$folder|$2"); done
}
add_path_folders "${GPU_CHECK_LIBRARY_PATH:-}" GPU_CHECK_LIBRARY_PATH
wheel_folders() {  # the NVIDIA wheels' library folders of python "$1"
  timeout 20 "$1" - <<'EOF' 2>/dev/null
import importlib.util
for name in ["nvidia.cu13", "nvidia.cudnn", "nvidia.cublas", "nvidia.cuda_runtime",
             "nvidia.cuda_nvrtc", "nvidia.nvjitlink"]:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        continue
    for location in (spec.submodule_search_locations or []) if spec else []:
        print(location + "/lib")
EOF
}
pythons=()
command -v python3 >/dev/null && pythons+=("$(command -v python3)")
for python in "${GPU_CHECK_PYTHON:-}" /opt/torch/.venv/bin/python3; do
  [[ -n "$python" && -x "$python" && " ${pythons[*]} " != *" $python "* ]] && pythons+=("$python")
done
for python in "${pythons[@]}"; do
  while read -r folder; do
    [[ -d "$folder" ]] && candidates+=("$folder|wheel of $python")
  done < <(wheel_folders "$python")
done
add_path_folders "${LD_LIBRARY_PATH:-}" LD_LIBRARY_PATH
for folder in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib; do
  [[ -d "$folder" ]] && candidates+=("$(cd "$folder" && pwd -P)|CUDA toolkit")
done

declare -A found_in=()  # library -> "folder|source"
for library in "${wanted[@]}"; do
  for candidate in "${candidates[@]}"; do
    if [[ -e "${candidate%%|*}/$library" ]]; then found_in[$library]="$candidate"; break; fi
  done
done
cudnn_folder=""
incomplete=""
for candidate in "${candidates[@]}"; do
  folder="${candidate%%|*}"
  [[ -e "$folder/libcudnn.so.9" ]] || continue
  missing=""
  for library in "${cudnn_family[@]}"; do [[ -e "$folder/$library" ]] || missing+=" $library"; done
  if [[ -z "$missing" ]]; then
    cudnn_folder="$folder"
    found_in[libcudnn.so.9]="$candidate"
    break
  fi
  incomplete+="  $folder lacks$missing"$'\n'
done

echo "== NVIDIA libraries (searched: GPU_CHECK_LIBRARY_PATH, wheels of ${pythons[*]:-no python3}, LD_LIBRARY_PATH, /usr/local/cuda)"
status=0
library_folders=()
for library in "${wanted[@]}" libcudnn.so.9; do
  if [[ -n "${found_in[$library]:-}" ]]; then
    entry="${found_in[$library]}"
    printf '  %-22s %s  (%s)\n' "$library" "${entry%%|*}" "${entry#*|}"
    library_folders+=("${entry%%|*}")
  elif [[ "$optional" == *" $library "* ]]; then
    printf '  %-22s not found (optional: cuDNN runtime-compiled engines need it)\n' "$library"
  else
    printf '  %-22s NOT FOUND\n' "$library"
    status=4
  fi
done
[[ -n "$cudnn_folder" ]] && echo "  cuDNN's $((${#cudnn_family[@]} - 1)) sub-libraries: all beside it in $cudnn_folder"
[[ -n "$incomplete" ]] && printf 'gpu_check: cuDNN folders without every sub-library:\n%s' "$incomplete"
if [[ $status -ne 0 ]]; then
  echo "gpu_check: a required NVIDIA library was not found; name its folder in GPU_CHECK_LIBRARY_PATH" >&2
  exit 4
fi
search_path=""
declare -A seen=()
for folder in "${library_folders[@]}"; do
  [[ -n "${seen[$folder]:-}" ]] && continue
  seen[$folder]=1
  search_path+="${search_path:+:}$folder"
done
export LD_LIBRARY_PATH="$search_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "  LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

programs=("$bundle/tests/gpu_tests" "$bundle/tests/gpu_library_probe")
[[ -x "$bundle/bench/end_to_end_bench" ]] && programs+=("$bundle/bench/end_to_end_bench")
for program in "${programs[@]}"; do
  echo "  ${program#"$bundle"/}:"
  ldd "$program" 2>&1 | sed -n 's/^\t\(.* => .*\) (0x.*)$/    \1/p; s/^\t\(.*not found.*\)$/    \1/p'
  if ldd "$program" 2>&1 | grep -q "not found"; then status=4; fi
done
if [[ $status -ne 0 ]]; then
  echo "gpu_check: a program needs a library this machine does not have (\"not found\" above)" >&2
  exit 4
fi

# ---- steps 2 to 6 --------------------------------------------------------------------------------
# run_step NAME SECONDS COMMAND...: runs with a timeout, output to the terminal and to the logs;
# its exit status is left in step_status[NAME].
declare -A step_status=()
run_step() {
  local name="$1" seconds="$2"
  shift 2
  echo
  echo "== $name (timeout ${seconds} s): ${*#"$bundle"/}"
  timeout --kill-after=5 "$seconds" "$@" 2>&1 | tee "$work/$name.log"
  step_status[$name]=${PIPESTATUS[0]}
  [[ -n "$logs" ]] && cp "$work/$name.log" "$logs/$name.log"
  if [[ ${step_status[$name]} -eq 124 || ${step_status[$name]} -eq 137 ]]; then
    echo "gpu_check: $name did not finish within $seconds s"
  fi
}
tests="$bundle/tests/gpu_tests"

LD_BIND_NOW=1 run_step probe "${GPU_CHECK_PROBE_SECONDS:-15}" "$bundle/tests/gpu_library_probe" "${allow_older[@]}"
case ${step_status[probe]} in
  0) ;;
  3) echo "gpu_check: refused: a library is older than the build needs (see above; --allow-older to try anyway)" >&2; exit 3 ;;
  *) echo "gpu_check: the library probe failed (exit ${step_status[probe]}); see above" >&2; exit 4 ;;
esac

LD_BIND_NOW=1 run_step first_contact "${GPU_CHECK_CONTACT_SECONDS:-60}" "$tests" --test-suite=first_contact --duration=true
if [[ ${step_status[first_contact]} -eq 77 ]]; then
  echo
  echo "gpu_check: $(grep -m1 '^SKIPPED' "$work/first_contact.log" || echo 'SKIPPED: no GPU found')"
  echo "gpu_check: every library loaded; no GPU here, so nothing ran on one (exit 77)."
  exit 77
fi

CUDA_LAUNCH_BLOCKING=1 run_step parity "${GPU_CHECK_PARITY_SECONDS:-195}" "$tests" --test-suite-exclude=throughput,first_contact --duration=true
run_step smoke "${GPU_CHECK_SMOKE_SECONDS:-60}" "$tests" --test-suite=throughput --no-skip --duration=true
if [[ $compare -eq 1 ]]; then
  if [[ -x "$bundle/bench/end_to_end_bench" ]] && python3 -c "import torch, torchvision" 2>/dev/null; then
    run_step compare "${GPU_CHECK_COMPARE_SECONDS:-240}" python3 "$bundle/bench/compare_pytorch.py" \
      --device cuda --quick --bench "$bundle/bench/end_to_end_bench"
  else
    echo "gpu_check: --compare needs bench/end_to_end_bench in the bundle and torch, torchvision in python3"
  fi
fi

# ---- summary -------------------------------------------------------------------------------------
result() {
  case "$1" in
    0) echo "passed" ;;
    124 | 137) echo "TIMED OUT" ;;
    *) echo "FAILED (exit $1)" ;;
  esac
}
doctest_line() { grep -m1 "^\[doctest\] $2" "$work/$1.log" | sed -e 's/^\[doctest\] //' -e 's/ *| */, /g' -e 's/, *$//'; }
echo
echo "== summary (for docs/GPU_LOG.md)"
echo "- date: $started"
echo "- device: $(grep -m1 '^GPU tests on' "$work/parity.log" | sed 's/^GPU tests on //')"
echo "- bundle: $(sed -n 's/^commit: //p' "$bundle/BUNDLE.txt" 2>/dev/null), libraries from: $search_path"
echo
echo "| check | result | details |"
echo "| --- | --- | --- |"
echo "| library probe | $(result "${step_status[probe]}") | $(grep -m1 '^cuDNN  ' "$work/probe.log" | tr -s ' ') |"
echo "| first contact | $(result "${step_status[first_contact]}") | $(doctest_line first_contact assertions) |"
echo "| GPU parity tests | $(result "${step_status[parity]}") | $(doctest_line parity "test cases"); $(doctest_line parity assertions) |"
echo "| throughput smoke | $(result "${step_status[smoke]}") | $(doctest_line smoke "test cases") |"
[[ -n "${step_status[compare]:-}" ]] && echo "| PyTorch comparison | $(result "${step_status[compare]}") | see above |"
echo
echo "| smoke | batch | images/s | notes |"
echo "| --- | ---: | ---: | --- |"
grep '^SMOKE|' "$work/smoke.log" | awk -F'|' '{ printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }'
echo
echo "slowest parity test cases:"
grep -E '^[0-9.]+ s: ' "$work/parity.log" | sort -rn | head -5 | sed 's/^/  /'

final=0
for name in first_contact parity smoke; do
  case ${step_status[$name]} in
    0) ;;
    124 | 137) [[ $final -eq 0 ]] && final=6 ;;
    *) final=1 ;;
  esac
done
exit $final
