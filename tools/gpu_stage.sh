#!/usr/bin/env bash
# Stages this build for the GPU machine (../shared/gpu-kit), within the 64 MiB a device call carries:
#   bash tools/gpu_stage.sh            (after: mvn -B -ntp -DskipTests package)
# then, on the device with .gpu carried:  OUT=$OUT bash tools/gpu_bench.sh
# On top of the kit's --slim staging it drops pytorch-jni (the kit compiles the bridge on the device) and the ONNX
# backend (its CUDA provider cannot run there), puts back the
# known-answer probe of the PyTorch backend (--slim strips model files from the jars, and without it the backend
# refuses to open), and copies the original article's recipe as the end-to-end peer.
set -euo pipefail
cd "$(dirname "$0")/.."
kit=${GPU_KIT:-../shared/gpu-kit}
bash "$kit/stage.sh" --slim
rm -f .gpu/jars/lib/pytorch-jni-*.jar
# ONNX Runtime's CUDA provider cannot run on that machine (it needs CUDA 12 libraries); leaving the ONNX backend out
# keeps the call under its size limit, and the GPU run is PyTorch's
rm -f .gpu/jars/lib/onnxruntime-*.jar .gpu/jars/lib/matting-onnx-*.jar .gpu/jars/lib/onnxruntime-engine-*.jar
djl=$(ls .gpu/jars/lib/matting-djl-[0-9]*.jar)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$OLDPWD"/matting-djl/target/matting-djl-[0-9]*[0-9T].jar 'dev/matting/djl/probe/*' && zip -q -r "$OLDPWD/$djl" dev)
mkdir -p .gpu/peer
cp "$kit/../peer/seed_recipe.py" .gpu/peer/ 2>/dev/null || echo "no seed recipe next to the kit: the end-to-end run goes without its peer"
unzip -l "$djl" > "$tmp/list"   # not piped into grep -q: an early exit would fail unzip under pipefail
grep -q 'probe/probe.pt' "$tmp/list" || { echo "probe.pt missing from $djl" >&2; exit 1; }
echo "staged: $(du -sh .gpu | cut -f1) in .gpu"
