#!/usr/bin/env bash
# Checks that the vector clones of the CPU loops (kernels/cpu/vector_clones.h) keep the baseline's
# bits: one short training epoch of EfficientNet-B0 (SiLU, sigmoid, depthwise, batch norm) and of
# ResNet-18 (max pooling, batch norm) with a default build and with a -DENGINE_BASELINE_LOOPS=ON
# build; the checkpoints' tensor digests must be equal. Exit 1 when they differ.
#
#   cmake -S . -B build-baseline -G Ninja -DCMAKE_BUILD_TYPE=Release -DENGINE_CUDA=OFF \
#     -DENGINE_BASELINE_LOOPS=ON && ninja -C build-baseline train_app make_phantoms
#   scripts/check_vector_clones.sh build build-baseline
set -euo pipefail
default_build=$(realpath "$1")
baseline_build=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tensor_digest() {
  python3 - "$1" <<'PY'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    size = struct.unpack("<Q", f.read(8))[0]
    print(json.loads(f.read(size))["__metadata__"]["engine.tensor_sha256"])
PY
}

"$default_build/apps/make_phantoms" "$work/phantoms" --count 120 --size 64 --seed 3 >/dev/null
status=0
for model in efficientnet_b0 resnet18; do
  digests=()
  for build in "$default_build" "$baseline_build"; do
    out="$work/$(basename "$build")-$model"
    "$build/apps/train_app" --data "$work/phantoms" --out "$out" --model "$model" --input-size 48 \
      --epochs 1 --batch-size 16 --seed 5 --device cpu --threads 2 --no-report >"$out.log" 2>&1
    digests+=("$(tensor_digest "$out/$model/best.safetensors")")
  done
  if [ "${digests[0]}" = "${digests[1]}" ]; then
    echo "$model: same bits (tensor digest ${digests[0]})"
  else
    echo "$model: DIFFERENT: default ${digests[0]}, baseline ${digests[1]}"
    status=1
  fi
done
exit $status
