#!/usr/bin/env bash
# Runs on the GPU machine (no dotnet there): unpacks the package from bench/gpu/build.sh, points the
# engine at PyTorch's libtorch, measures the HF peer and then sparsex-bench in the same session.
# Usage: [SHAPE=llama3-8b] [TOKENS=4096,...] bench/gpu/run.sh <out-dir> [extra sparsex-bench ttft args]
set -euo pipefail
out=${1:?out dir}; shift
mkdir -p "$out"
work=$(mktemp -d)
tar -C "$work" -xJf .carry/sparsex-bench-gpu.tar.xz
export SPARSEX_LIBTORCH="$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
export SPARSEX_DEVICE_NAME="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)"
export PYTHONUNBUFFERED=1
tokens=${TOKENS:-4096,8192,16384,32768}
shape=${SHAPE:-llama3-8b}
python3 bench/peers/hf_prefill.py --shape "$shape" --tokens "$tokens" --out "$out/hf.json" 2>&1 | tee "$out/hf.log"
"$work/bench-gpu/sparsex-bench" ttft --device cuda --shape "$shape" --tokens "$tokens" --out "$out/sparsex.json" "$@" 2>&1 | tee "$out/sparsex.log"
