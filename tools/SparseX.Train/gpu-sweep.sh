#!/usr/bin/env bash
# Runs several training configurations at once on one GPU (the demo model is far too small to fill an H100).
# usage: bash <carry-dir>/gpu-sweep.sh <out-dir> <name> "<train options>" [<name> "<train options>" ...]
#
# Runs live in $SWEEP_WORK (default /tmp/sparsex-sweep), which outlives the command while the device machine stays
# warm: the same command line given again right after continues every run from its checkpoint (parameters and Adam
# moments). Each run exports before its final evaluation. At the end, or at $SWEEP_DEADLINE seconds (default 560;
# a device command is killed at its limit with everything it started), the best $SWEEP_RETURN exports (default 2, by
# held-out exact match) are packed as <name>.tar.xz.NN parts of at most 15 MiB (a file from the device may have 16;
# join them with cat) and all logs go to <out-dir>/sweep.log — a call returns at most 8 files.
# SWEEP_CHECK=1 also runs hf_check.py (transformers) on each finished export and packs its references with it.
# On a machine of several GPUs the runs are dealt round-robin over them (CUDA_VISIBLE_DEVICES per run).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?out dir}; shift
work=${SWEEP_WORK:-/tmp/sparsex-sweep}
mkdir -p "$work"
rm -rf "$work/train-gpu" "$work"/*.log "$work/finished"
tar -C "$work" -xJf "$here/sparsex-train-gpu.tar.xz"
export SPARSEX_LIBTORCH="$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
export PYTHONUNBUFFERED=1
gpus=$(nvidia-smi --query-gpu=name --format=csv,noheader | wc -l)
echo "$gpus × $(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)"
deadline=${SWEEP_DEADLINE:-560}
keep=${SWEEP_RETURN:-2}

# The held-out exact match a run's log reports last (its final evaluation, else its last quick one), as a number.
score() { grep -o "held-out exact match [0-9.]* \?%" "$work/$1.log" 2>/dev/null | tail -n 1 | grep -o "[0-9.]*" || echo 0; }

pack() {
  local tmp="$work/pack-$1-$BASHPID"
  rm -rf "$tmp" && mkdir -p "$tmp"
  tar -C "$work" -cf - "$1" | xz -1 -T4 | split -d -b 15M - "$tmp/$1.tar.xz." && mv "$tmp"/* "$out/"
  rm -rf "$tmp"
}

finish() {
  mkdir "$work/finished" 2>/dev/null || return 0  # once: the watchdog or the end of the runs, whichever comes first
  local ranked
  ranked=$(for n in "${names[@]}"; do [ -f "$work/$n/model.safetensors" ] && echo "$(score "$n") $n"; done | sort -rn | head -n "$keep" | awk '{print $2}')
  for n in $ranked; do pack "$n" && echo "packed $n ($(score "$n")%)"; done
  logs
}

logs() { for n in "${names[@]}"; do echo "===== $n: $(score "$n")%"; cat "$work/$n.log"; done > "$out/sweep.log"; }

names=()
pids=()
while [ $# -ge 2 ]; do
  name=$1; opts=$2; shift 2
  names+=("$name")
  rm -rf "${work:?}/$name"  # an export from an earlier call must not come back as this call's
  ( export CUDA_VISIBLE_DEVICES=$(( ${#pids[@]} % (gpus > 0 ? gpus : 1) ))
    # shellcheck disable=SC2086
    "$work/train-gpu/sparsex-train" train --device cuda --run "$work/run-$name" --export "$work/$name" $opts \
      && if [ "${SWEEP_CHECK:-0}" = 1 ]; then python3 "$here/hf_check.py" "$work/$name" "$work/run-$name/check_prompts.json"; fi ) \
    > "$work/$name.log" 2>&1 &
  pids+=($!)
done
# The watchdog's sleep dies with it (a leftover sleep would hold the command's output open until the deadline).
( trap 'kill "$nap" 2>/dev/null; exit 0' TERM; sleep "$deadline" & nap=$!; wait "$nap"; echo "watchdog: packing at ${deadline}s"; finish ) &
watchdog=$!
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
if [ -d "$work/finished" ]; then wait "$watchdog"; logs; else kill "$watchdog" 2>/dev/null; finish; fi
grep -h "final\|resumed\|initialised" "$out/sweep.log" || true
exit $status
