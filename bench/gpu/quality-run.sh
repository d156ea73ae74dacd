#!/usr/bin/env bash
# Runs on the GPU machine (no dotnet there): unpacks the package from `bench/gpu/build.sh cli` once (into
# $SPARSEX_CLI_DIR, default a fresh temporary folder), points the CLI at PyTorch's libtorch and runs
# `sparsex quality --device cuda` with the given arguments, its console output teed into <out-dir>/quality.log.
# Usage: bench/gpu/quality-run.sh <out-dir> [sparsex quality args...]
set -euo pipefail
out=${1:?out dir}; shift
mkdir -p "$out"
work=${SPARSEX_CLI_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -x "$work/cli-gpu/sparsex" ] || tar -C "$work" -xJf .carry/sparsex-cli-gpu.tar.xz
export SPARSEX_LIBTORCH="$(python3 -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
export SPARSEX_DEVICE_NAME="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$out/gpu.txt"
"$work/cli-gpu/sparsex" quality --device cuda "$@" 2>&1 | tee "$out/quality.log"
