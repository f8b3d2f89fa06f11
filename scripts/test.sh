#!/usr/bin/env bash
# The README's test command: set up, build, and run every test suite. GPU suites report
# SKIPPED on machines without a GPU; real-data suites report SKIPPED without ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh "$@"
build_dir="${ENGINE_BUILD_DIR:-build}"
ctest --test-dir "$build_dir" --output-on-failure --timeout 1800
