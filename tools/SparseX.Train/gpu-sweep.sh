#!/usr/bin/env bash
# Runs several training configurations at once on one GPU (the demo model is far too small to fill an H100):
# each trains, exports and is checked with transformers; $out/<name>.log and $out/<name>.tar.xz (the export) come back.
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
# A device command is killed at its time limit with everything it started: at $SWEEP_DEADLINE seconds (default 560)
# a watchdog packs every export that is not packed yet (the trainer exports before its final evaluation), so a run
# whose evaluation or transformers check is still going still sends its model back.
deadline=${SWEEP_DEADLINE:-560}
# An export with its references is about 18 MB, over the 16 MiB a file from the device may have: xz brings it to 14.
pack() { local part="$out/$1.tar.xz.$BASHPID"; tar -C "$work" -cf - "$1" | xz -1 -T4 > "$part" && mv "$part" "$out/$1.tar.xz"; }
names=()
pids=()
while [ $# -ge 2 ]; do
  name=$1; opts=$2; shift 2
  names+=("$name")
  ( # shellcheck disable=SC2086
    "$work/train-gpu/sparsex-train" train --device cuda --run "$work/run-$name" --export "$work/$name" $opts \
      && pack "$name" \
      && python3 "$here/hf_check.py" "$work/$name" "$work/run-$name/check_prompts.json" \
      && pack "$name" \
      && touch "$work/$name.done" ) > "$out/$name.log" 2>&1 &
  pids+=($!)
done
( sleep "$deadline"
  for name in "${names[@]}"; do
    if [ ! -f "$work/$name.done" ] && [ -f "$work/$name/model.safetensors" ]; then
      pack "$name" && echo "watchdog: packed $name before its check finished" >> "$out/$name.log"
    fi
  done ) &
watchdog=$!
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
kill "$watchdog" 2>/dev/null || true
grep -h "final\|exact match" "$out"/*.log || true
exit $status
