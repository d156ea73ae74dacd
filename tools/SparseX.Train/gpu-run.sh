#!/usr/bin/env bash
# Runs on the device (no dotnet there): unpacks the package built by gpu-build.sh, trains the demo model on the
# GPU, exports it in the Hugging Face layout to $out/sparsex-demo and checks it with transformers (hf_check.py,
# which also writes references.safetensors for `sparsex verify`).
# usage: bash <carry-dir>/gpu-run.sh <out-dir> [sparsex-train train options...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?out dir}; shift
mkdir -p "$out/sparsex-demo"
work=$(mktemp -d)
tar -C "$work" -xJf "$here/sparsex-train-gpu.tar.xz"
export SPARSEX_LIBTORCH="$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1
"$work/train-gpu/sparsex-train" train --device cuda --run "$work/run" --export "$out/sparsex-demo" "$@"
python3 "$here/hf_check.py" "$out/sparsex-demo" "$work/run/check_prompts.json"
