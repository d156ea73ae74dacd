#!/usr/bin/env bash
# Builds the GPU benchmark package here: a self-contained linux-x64 publish of sparsex-bench WITHOUT the
# CPU libtorch (TorchSharp alone); at run time it loads the device's PyTorch libtorch (SPARSEX_LIBTORCH).
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf artifacts/bench-gpu
dotnet publish bench/SparseX.Bench -c Release -r linux-x64 --self-contained \
  -p:SparseXExternalLibTorch=true -p:InvariantGlobalization=true -o artifacts/bench-gpu
mkdir -p .carry
tar -C artifacts -cJf .carry/sparsex-bench-gpu.tar.xz bench-gpu
ls -la .carry/sparsex-bench-gpu.tar.xz
