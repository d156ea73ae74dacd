#!/usr/bin/env bash
# Builds the GPU training package: a self-contained linux-x64 publish of sparsex-train WITHOUT the CPU libtorch
# (it loads the device's PyTorch libtorch through SPARSEX_LIBTORCH), packed with gpu-run.sh and hf_check.py.
# usage: tools/SparseX.Train/gpu-build.sh [carry-dir]   (default .carry)
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=${1:-.carry}
rm -rf artifacts/train-gpu
# Partial trimming drops unused framework code only (TorchSharp and the project's assemblies stay whole): 29 MB → 10 MB
# packed, which leaves room in a call's 64 MiB for a carried 15M-parameter model to continue from.
dotnet publish tools/SparseX.Train -c Release -r linux-x64 --self-contained \
  -p:SparseXExternalLibTorch=true -p:InvariantGlobalization=true \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -o artifacts/train-gpu
mkdir -p "$carry"
tar -C artifacts -cJf "$carry/sparsex-train-gpu.tar.xz" train-gpu
cp tools/SparseX.Train/gpu-run.sh tools/SparseX.Train/gpu-sweep.sh tools/SparseX.Train/hf_check.py "$carry/"
ls -la "$carry"
