#!/usr/bin/env bash
# The CPU test suites built with AddressSanitizer and UndefinedBehaviorSanitizer, in their own
# build folder (CPU only, no benchmarks), and run; any finding fails (the build makes every
# finding fatal, and LeakSanitizer reports leaks at exit). CI runs this after the README's test
# command (.ci/run). Extra arguments go to ctest, e.g. -R models_tests. The suites' second runs
# with the loop-level reference kernels are left out here (9 minutes under the sanitizers on this
# project's 2-core machine): those loops run under the sanitizers in kernels_tests and
# gradient_tests, and the reruns repeat the same model code.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${ENGINE_SANITIZE_BUILD_DIR:-build-sanitize}"
ENGINE_BUILD_DIR="$build_dir" scripts/build.sh -DENGINE_CUDA=OFF -DENGINE_BENCHMARKS=OFF \
  -DENGINE_SANITIZE=address,undefined
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build_dir" --output-on-failure --timeout 3600 -E reference_kernels "$@"
