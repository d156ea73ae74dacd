#!/usr/bin/env bash
# Builds a GPU package here: a self-contained linux-x64 publish WITHOUT the CPU libtorch (TorchSharp alone); at run time
# it loads the device's PyTorch libtorch (SPARSEX_LIBTORCH).
# Usage: bench/gpu/build.sh [bench|cli]
#   bench (default): sparsex-bench → .carry/sparsex-bench-gpu.tar.xz, for bench/gpu/run.sh
#   cli: the sparsex CLI → .carry/sparsex-cli-gpu.tar.xz, for bench/gpu/quality-run.sh (`sparsex quality --device cuda`)
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-bench}" in
  bench) project=bench/SparseX.Bench; name=bench-gpu ;;
  cli) project=src/SparseX.Cli; name=cli-gpu ;;
  *) echo "usage: $0 [bench|cli]" >&2; exit 2 ;;
esac
rm -rf "artifacts/$name"
dotnet publish "$project" -c Release -r linux-x64 --self-contained \
  -p:SparseXExternalLibTorch=true -p:InvariantGlobalization=true -o "artifacts/$name"
mkdir -p .carry
tar -C artifacts -cJf ".carry/sparsex-$name.tar.xz" "$name"
ls -la ".carry/sparsex-$name.tar.xz"
