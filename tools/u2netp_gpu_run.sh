#!/usr/bin/env bash
# One-shot GPU-machine job for the u2netp assets (needs python3 with torch + CUDA, onnxruntime, Pillow, numpy):
#   1. tools/u2netp.py: weights from the ONNX file, export u2netp-fp32.pt (CPU trace) and u2netp-fp16.pt (CUDA trace),
#      parity on samples/photos: PyTorch fp32 vs onnxruntime (d0 max |d| <= 1e-4), fp16 vs fp32;
#   2. tools/rembg_reference.py: rembg's u2netp alphas for samples/photos;
#   3. everything into "$OUT/u2netp-gpu.tar.gz" (export/ and reference/), the log in "$OUT/log.txt".
# Usage, from the repository root: OUT=/some/dir bash tools/u2netp_gpu_run.sh
# Unpack: tar xzf u2netp-gpu.tar.gz; then copy export/u2netp-fp{32,16}.pt to models/u2netp/ and reference/* to
# models/u2netp/reference/.
set -o pipefail
export PYTHONUNBUFFERED=1
: "${OUT:?set OUT to a folder}"
WORK=$(mktemp -d)
mkdir -p "$WORK/export" "$WORK/reference"
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  python3 - <<'EOF'
import platform, numpy, PIL, torch
try:
    import onnxruntime
    ort = onnxruntime.__version__
except ImportError:
    ort = "missing"
print(f"python {platform.python_version()}, torch {torch.__version__} (CUDA {torch.version.cuda}, "
      f"cuDNN {torch.backends.cudnn.version()}), onnxruntime {ort}, Pillow {PIL.__version__}, numpy {numpy.__version__}")
EOF
  python3 tools/u2netp.py --onnx models/u2netp/u2netp.onnx --out "$WORK/export" --check --photos samples/photos \
    --device cuda
  echo "tools/u2netp.py exit status $?"
  python3 tools/rembg_reference.py --onnx models/u2netp/u2netp.onnx --photos samples/photos --out "$WORK/reference"
  echo "tools/rembg_reference.py exit status $?"
  (cd "$WORK" && sha256sum export/* reference/*)
} 2>&1 | tee "$OUT/log.txt"
tar czf "$OUT/u2netp-gpu.tar.gz" -C "$WORK" export reference
ls -la "$OUT"
