#!/usr/bin/env bash
# Builds the GPU quality package here: a self-contained linux-x64 publish of the sparsex CLI WITHOUT the CPU libtorch
# (TorchSharp alone); on the GPU machine bench/gpu/quality-run.sh points it at PyTorch's libtorch (SPARSEX_LIBTORCH) and
# runs `sparsex quality --device cuda`.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf artifacts/cli-gpu
dotnet publish src/SparseX.Cli -c Release -r linux-x64 --self-contained \
  -p:SparseXExternalLibTorch=true -p:InvariantGlobalization=true -o artifacts/cli-gpu
mkdir -p .carry
tar -C artifacts -cJf .carry/sparsex-cli-gpu.tar.xz cli-gpu
ls -la .carry/sparsex-cli-gpu.tar.xz
