#!/usr/bin/env bash
# The README's main-job command: set up, build, and run the main job on the embedded default.
# Until train_app exists this is engine_demo (a small CNN trained on generated data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build_dir="${ENGINE_BUILD_DIR:-build}"
mkdir -p runs
"$build_dir/apps/engine_demo" --out runs/engine_demo_weights.safetensors "$@"
