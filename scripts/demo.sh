#!/usr/bin/env bash
# The README's main job: set up, build, write 1,000 synthetic hand phantoms, then train and
# compare the study's four networks on them at a reduced size (80 px, 8 epochs), with the seed
# study's table and the full report. About 15 minutes on 2 CPU cores; on a GPU, much less.
# Extra arguments go to train_app (for example --device cuda, or --epochs 3 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build_dir="${ENGINE_BUILD_DIR:-build}"

phantoms=runs/phantoms
if [[ ! -f "$phantoms/manifest.csv" ]]; then
  "$build_dir/apps/make_phantoms" "$phantoms" --count 1000 --size 128 --seed 1
fi
run="runs/phantom-compare-$(date -u +%Y%m%d-%H%M%S)"
"$build_dir/apps/train_app" --data "$phantoms" --out "$run" \
  --compare resnet18,resnet50,inception_v3,efficientnet_b0 \
  --input-size 80 --epochs 8 --batch-size 32 --seed 1 "$@"
echo "open $run/report.html (or read $run/report.md)"
