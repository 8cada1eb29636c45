#!/usr/bin/env bash
# The GPU run in one go, on the GPU machine, from the repository root, after staging with ../shared/gpu-kit:
#   mvn -B -ntp -DskipTests package && bash tools/gpu_stage.sh
#   then on the device (carry .gpu):  OUT=$OUT bash tools/gpu_bench.sh
# It exports the base U-Net (fixed seed), times the Python baseline, checks U²-Netp on CUDA against rembg's alphas
# (FP32 and FP16, image stages on the device and on the CPU), runs GpuCheck, the JMH forward-pass and scheduler
# benchmarks on the base U-Net at 1024² (the scheduler with one and two lanes on the GPU), and the end-to-end run beside
# the seed recipe on the same 64 JPEGs (image stages on the device, then with two lanes, then on the CPU). Every step
# logs to $OUT/gpu-bench.log; a failing step does not stop the others. STEPS=faith,check,jmh,e2e picks steps.
set -uo pipefail
OUT=${OUT:-/tmp/gpu-bench}
STEPS=${STEPS:-python,faith,check,jmh,e2e}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu-bench.log") 2>&1
export PYTHONUNBUFFERED=1
J='.gpu/jars/matting-benchmarks.jar:.gpu/jars/lib/*'
java_on_gpu() { bash .gpu/on-device.sh java -Xmx16g -Dai.djl.offline=true -Dmatting.bench.base=/tmp/unet-base "$@"; }
# STEPS containing "profile" records the end-to-end runs with JFR into $OUT/*.jfr (read them with `jfr print`)
jfr() { step profile && echo "-XX:StartFlightRecording=filename=$OUT/$1.jfr,settings=profile"; }
step() { case ",$STEPS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
t0=$(date +%s)
mark() { echo "== [$(( $(date +%s) - t0 )) s] $*"; }

mark "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
lscpu | grep -E 'Model name|^CPU\(s\)|Flags' | cut -c1-200
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'

mark "base U-Net export (fixed seed; FP32 traced on the CPU, FP16 on CUDA, channels-last, frozen)"
[ -f /tmp/unet-base/model.json ] || python3 tools/unet.py --variant base --out /tmp/unet-base || echo "export failed"

if step python; then
  mark "Python baseline: TorchScript FP16/FP32 and the eager autocast recipe, 1024², batches 1, 4, 8"
  python3 tools/bench_python.py --model-dir /tmp/unet-base --size 1024 --batches 1,4,8 --json "$OUT/python-baseline.json"
fi

if step faith; then
  for run in ${FAITH:-fp32:true fp32:false fp16:true fp16:false}; do   # precision:image-stages-on-device
    p=${run%%:*} imaging=${run##*:}
    mark "U²-Netp on CUDA vs rembg: pytorch $p, image stages on the device: $imaging"
    java_on_gpu -Ddev.matting.gpu.imaging=$imaging -cp "$J" dev.matting.bench.FaithfulnessCheck --device gpu0 \
      --backend pytorch --precision $p --model models/u2netp --photos samples/photos --reference models/u2netp/reference
  done
fi

if step check; then
  mark "GpuCheck (NVML, GPU vs CPU, FP16 vs FP32, ballast, real OOM recovery, NVML-sized batches)"
  java_on_gpu -cp "$J" dev.matting.bench.GpuCheck --model tiny
fi

if step jmh; then
  mark "JMH: forward passes (batches 1, 4, 8; FP16 and FP32), then 16 callers through the scheduler with 1 and 2 lanes on the GPU, base U-Net 1024²"
  for bench in "BatchThroughputBenchmark -p batch=1,4,8" "SchedulerThroughputBenchmark -p lanes=1,2"; do
    # shellcheck disable=SC2086
    # the report compares with the Python baseline of this run, on this GPU (not the review H100's in docs/)
    java_on_gpu -jar .gpu/jars/matting-benchmarks.jar --out "$OUT/jmh-run" --model base \
      $( [ -f "$OUT/python-baseline.json" ] && echo --baseline "$OUT/python-baseline.json" ) --jmh $bench \
      -p model=base -p resolution=1024 -p backend=pytorch -p device=gpu -p precision=fp16,fp32 -f 1 -wi 2 -w 2 -i 3 -r 2
  done
  cp "$OUT"/jmh-run/jmh-results.json "$OUT"/jmh-run/report.md "$OUT"/ 2>/dev/null
fi

if step e2e; then
  seed=.gpu/peer/seed_recipe.py
  args=(--work /tmp/e2e --images 64 --model /tmp/unet-base --device gpu0 --precision fp16 --out "$OUT")
  [ -f "$seed" ] && args+=(--seed-recipe "$seed")
  mark "end to end: 64 1080p JPEGs to RGBA PNGs through Matter.submit, image stages on the device"
  java_on_gpu $(jfr e2e-device) -cp "$J" dev.matting.bench.EndToEndRun "${args[@]}"
  cp "$OUT/end-to-end.json" "$OUT/end-to-end-device.json" 2>/dev/null
  mark "the same, two lanes on the GPU"
  java_on_gpu -cp "$J" dev.matting.bench.EndToEndRun --work /tmp/e2e --images 64 --model /tmp/unet-base --device gpu0 \
    --precision fp16 --lanes-per-device 2 --out "$OUT/two-lanes"
  mark "the same, image stages on the CPU"
  java_on_gpu $(jfr e2e-cpu-stages) -Ddev.matting.gpu.imaging=false -cp "$J" dev.matting.bench.EndToEndRun --work /tmp/e2e --images 64 \
    --model /tmp/unet-base --device gpu0 --precision fp16 --out "$OUT/cpu-stages"
fi
mark "done"
