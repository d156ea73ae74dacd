#!/usr/bin/env bash
# Runs several training configurations at once on one GPU (the demo model is far too small to fill an H100):
# each trains, exports and is checked with transformers; $out/<name>.log and $out/<name>.tar (the export) come back.
# usage: bash <carry-dir>/gpu-sweep.sh <out-dir> <name> "<train options>" [<name> "<train options>" ...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?out dir}; shift
work=$(mktemp -d)
tar -C "$work" -xJf "$here/sparsex-train-gpu.tar.xz"
export SPARSEX_LIBTORCH="$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
export PYTHONUNBUFFERED=1
# TorchSharp passes temporary Scalars to native code by raw handle; a GC finalizing one mid-call crashed two of
# three concurrent runs ("Unknown scalar type"). Rare gen0 collections make that much less likely.
export DOTNET_GCgen0size=0x10000000
nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1
pids=()
while [ $# -ge 2 ]; do
  name=$1; opts=$2; shift 2
  ( # shellcheck disable=SC2086
    "$work/train-gpu/sparsex-train" train --device cuda --run "$work/run-$name" --export "$work/$name" $opts \
      && python3 "$here/hf_check.py" "$work/$name" "$work/run-$name/check_prompts.json" \
      && tar -C "$work" -cf "$out/$name.tar" "$name" ) > "$out/$name.log" 2>&1 &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
grep -h "final\|exact match" "$out"/*.log || true
exit $status
