#!/usr/bin/env python3
"""The Python baseline the SDK is compared against: the original tool's recipe (eager model, CUDA, autocast FP16,
one image at a time or a small batch) and the exported TorchScript, timed with CUDA events on the same GPU.

Usage: python3 tools/bench_python.py --model-dir DIR [--size 1024] [--batches 1,8] [--json OUT.json]
"""
import argparse
import json
import os
import statistics

import torch

import unet


def time_ms(fn, x, warmup=5, reps=20):
    for _ in range(warmup):
        fn(x)
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn(x)
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--variant", default="base")
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--json")
    args = ap.parse_args()
    dev = torch.device("cuda")
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    eager = unet.UNet(unet.WIDTHS[args.variant]).to(dev).eval()
    ts16 = torch.jit.load(os.path.join(args.model_dir, f"unet-{args.variant}-fp16.pt"), map_location=dev)
    ts32 = torch.jit.load(os.path.join(args.model_dir, f"unet-{args.variant}-fp32.pt"), map_location=dev)
    rows = []
    for b in [int(v) for v in args.batches.split(",")]:
        pixels = torch.randint(0, 256, (b, 3, args.size, args.size), dtype=torch.uint8, device=dev)
        floats = pixels.float() / 255

        def recipe(x):
            with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16):
                return eager(x)

        def run16(x):
            with torch.no_grad():
                return ts16(x)

        def run32(x):
            with torch.no_grad():
                return ts32(x)

        for name, fn, x in [("python eager+autocast fp16", recipe, floats), ("torchscript fp32", run32, pixels),
                            ("torchscript fp16", run16, pixels)]:
            torch.cuda.reset_peak_memory_stats()
            ms = time_ms(fn, x)
            peak = torch.cuda.max_memory_allocated() / 2**20
            rows.append({"setting": name, "batch": b, "size": args.size, "ms_per_image": ms / b, "peak_mib": peak})
            print(f"{name:28s} batch {b:2d} {args.size}^2: {ms / b:7.2f} ms/image, peak {peak:8.0f} MiB", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
