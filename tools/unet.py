#!/usr/bin/env python3
"""Reference U-Net for dev.matting: define, train on synthetic composites, export, and write parity pairs.

The SDK never downloads a model. This script makes the project's own models:

  tiny  widths 8-16-32-64-128       (~0.5 M parameters), trained briefly, committed under
        matting-api/src/main/resources/dev/matting/models/unet-tiny/
  base  widths 32-64-128-256-512    (~7.8 M parameters, the cost class of the original U-Net matting
        model), produced on demand with a fixed seed and never committed.

Every export takes uint8 NCHW pixels (0..255, RGB) and returns float32 alpha in [0, 1] of shape N x 1 x H x W.
Normalisation (and, for fp16, the casts) live inside the graph, so the SDK ships 4x fewer bytes to the device
than with a float32 input and the Java side is the same for every precision.

Usage:
  python3 tools/unet.py --variant tiny --out DIR [--steps 6000] [--device cuda]
  python3 tools/unet.py --variant base --out DIR [--steps 0] [--optimize]
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = {"tiny": (8, 16, 32, 64, 128), "base": (32, 64, 128, 256, 512)}
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
MULTIPLE = 32  # 4 poolings need 16; 32 leaves room for a deeper variant with the same spec


class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """5-level encoder-decoder, skip connections, bilinear up-sampling, sigmoid alpha head."""

    def __init__(self, widths):
        super().__init__()
        w = widths
        self.inc = DoubleConv(3, w[0])
        self.downs = nn.ModuleList(DoubleConv(w[i], w[i + 1]) for i in range(4))
        self.ups = nn.ModuleList(DoubleConv(w[i + 1] + w[i], w[i]) for i in reversed(range(4)))
        self.head = nn.Conv2d(w[0], 1, 1)

    def forward(self, x):
        skips = [self.inc(x)]
        for down in self.downs:
            skips.append(down(F.max_pool2d(skips[-1], 2)))
        y = skips.pop()
        for up in self.ups:
            y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
            y = up(torch.cat([skips.pop(), y], dim=1))
        return torch.sigmoid(self.head(y))


class Deployed(nn.Module):
    """What is exported: uint8 NCHW RGB in, float32 alpha out; normalisation and precision casts in-graph."""

    def __init__(self, net, half=False, channels_last=False):
        super().__init__()
        self.net = net
        self.half_precision = half
        self.channels_last = channels_last
        self.register_buffer("scale", (1.0 / (255.0 * torch.tensor(STD))).view(1, 3, 1, 1))
        self.register_buffer("shift", (-torch.tensor(MEAN) / torch.tensor(STD)).view(1, 3, 1, 1))

    def forward(self, pixels):
        x = pixels.float() * self.scale + self.shift
        if self.half_precision:
            x = x.half()
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return self.net(x).float()


# ----------------------------------------------------------------------------------------------------------------
# Synthetic composites: soft-edged, textured foreground shapes over random backgrounds, with the true alpha known.

def smooth_noise(b, c, size, cells, gen, device):
    base = torch.rand(b, c, cells, cells, generator=gen, device=device)
    return F.interpolate(base, size=(size, size), mode="bicubic", align_corners=False).clamp(0, 1)


def texture(b, size, gen, device):
    color = torch.rand(b, 3, 1, 1, generator=gen, device=device)
    low = smooth_noise(b, 3, size, int(torch.randint(2, 6, (1,), generator=gen, device=device)), gen, device)
    mid = smooth_noise(b, 3, size, int(torch.randint(8, 24, (1,), generator=gen, device=device)), gen, device)
    fine = torch.rand(b, 1, size, size, generator=gen, device=device)
    k = torch.rand(b, 3, 1, 1, generator=gen, device=device)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size, device=device), torch.linspace(0, 1, size, device=device),
                            indexing="ij")
    freq = 4 + 20 * torch.rand(b, 1, 1, 1, generator=gen, device=device)
    angle = math.pi * torch.rand(b, 1, 1, 1, generator=gen, device=device)
    stripes = 0.5 + 0.5 * torch.sin(freq * (xx * torch.cos(angle) + yy * torch.sin(angle)) * 2 * math.pi)
    img = (0.45 * color + 0.25 * k[:, :1] * low + 0.15 * k[:, 1:2] * mid + 0.1 * k[:, 2:] * fine
           + 0.15 * (torch.rand(b, 1, 1, 1, generator=gen, device=device) < 0.3) * stripes)
    return img.clamp(0, 1)


def superellipse_dist(xx, yy, cx, cy, ax, ay, th, n):
    """Approximate signed distance in pixels to a rotated superellipse (negative inside)."""
    dx, dy = xx - cx, yy - cy
    u = (dx * torch.cos(th) + dy * torch.sin(th)) / ax
    v = (-dx * torch.sin(th) + dy * torch.cos(th)) / ay
    rho = (u.abs() ** n + v.abs() ** n) ** (1.0 / n)
    return (rho - 1.0) * torch.minimum(ax, ay)


def shape_alpha(b, size, gen, device):
    """Foreground alpha, anti-aliased with a random soft edge. Three kinds of scene, mixed per sample:
    blobs (1-3 rotated superellipses near the centre), a head-and-shoulders figure whose torso runs off the bottom
    edge (portraits, ID photos, avatars) with up to two loose blobs, and shapes anywhere, crossing the borders."""
    yy, xx = torch.meshgrid(torch.arange(size, device=device) + 0.5, torch.arange(size, device=device) + 0.5,
                            indexing="ij")
    r = lambda lo, hi: lo + (hi - lo) * torch.rand(b, 1, 1, generator=gen, device=device)
    zero = torch.zeros(b, 1, 1, device=device)
    # blobs near the centre
    blobs = torch.full((b, size, size), 1e9, device=device)
    for p in range(int(torch.randint(1, 4, (1,), generator=gen, device=device))):
        k = 0.6 if p > 0 else 1.0
        blobs = torch.minimum(blobs, superellipse_dist(xx, yy, r(0.3, 0.7) * size, r(0.3, 0.7) * size,
                                                       k * r(0.12, 0.32) * size, k * r(0.12, 0.32) * size,
                                                       r(0, math.pi), r(1.6, 6.0)))
    # head and shoulders
    hx, hy = r(0.3, 0.7) * size, r(0.15, 0.45) * size
    hr = r(0.07, 0.15) * size
    head = superellipse_dist(xx, yy, hx, hy, hr, hr * r(1.05, 1.4), r(-0.2, 0.2), r(1.8, 2.4))
    torso = superellipse_dist(xx, yy, hx + r(-0.06, 0.06) * size, hy + hr + r(0.35, 0.6) * size, r(0.22, 0.45) * size,
                              r(0.3, 0.55) * size, zero, r(1.8, 3.0))
    portrait = torch.minimum(head, torso)
    loose = int(torch.randint(0, 3, (1,), generator=gen, device=device))
    for _ in range(loose):
        small = superellipse_dist(xx, yy, r(0.05, 0.95) * size, r(0.05, 0.95) * size, r(0.03, 0.08) * size,
                                  r(0.03, 0.08) * size, r(0, math.pi), r(1.8, 4.0))
        keep = torch.rand(b, 1, 1, generator=gen, device=device) < 0.5
        portrait = torch.where(keep, torch.minimum(portrait, small), portrait)
    # anywhere, crossing the borders
    anywhere = torch.full((b, size, size), 1e9, device=device)
    for _ in range(int(torch.randint(1, 3, (1,), generator=gen, device=device))):
        anywhere = torch.minimum(anywhere, superellipse_dist(xx, yy, r(-0.05, 1.05) * size, r(-0.05, 1.05) * size,
                                                             r(0.12, 0.4) * size, r(0.12, 0.4) * size,
                                                             r(0, math.pi), r(1.6, 6.0)))
    kind = torch.rand(b, 1, 1, generator=gen, device=device)
    dist = torch.where(kind < 0.35, blobs, torch.where(kind < 0.8, portrait, anywhere))
    softness = 0.6 + 3.0 * torch.rand(b, 1, 1, generator=gen, device=device)
    return (0.5 - dist / (2 * softness)).clamp(0, 1).unsqueeze(1)


def synthetic_batch(b, size, gen, device):
    bg = texture(b, size, gen, device)
    fg = texture(b, size, gen, device)
    # light shading makes foregrounds look like objects rather than flat cut-outs
    shade = smooth_noise(b, 1, size, 3, gen, device)
    fg = (fg * (0.75 + 0.5 * shade)).clamp(0, 1)
    alpha = shape_alpha(b, size, gen, device)
    img = alpha * fg + (1 - alpha) * bg
    return img, alpha


def train(net, steps, device, seed, log_every=500):
    gen = torch.Generator(device=device).manual_seed(seed)
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=max(steps, 1), pct_start=0.15)
    mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=device).view(1, 3, 1, 1)
    net.train()
    t0 = time.time()
    for step in range(steps):
        size = int(torch.randint(5, 11, (1,), generator=gen, device=device)) * 32  # 160..320
        img, alpha = synthetic_batch(32, size, gen, device)
        img = (torch.round(img * 255) / 255 - mean) / std  # train on what 8-bit pixels give
        pred = net(img)
        loss = F.l1_loss(pred, alpha) + 0.5 * F.binary_cross_entropy(pred.clamp(1e-6, 1 - 1e-6), alpha)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % log_every == 0 or step == steps - 1:
            print(f"step {step:5d} size {size} loss {loss.item():.4f} ({time.time() - t0:.0f}s)", flush=True)
    net.eval()


def iou(pred, alpha):
    p, t = pred > 0.5, alpha > 0.5
    return ((p & t).sum() / (p | t).sum().clamp(min=1)).item()


# ----------------------------------------------------------------------------------------------------------------

def export(net, out, variant, device, optimize):
    os.makedirs(out, exist_ok=True)
    net = net.cpu().eval()
    files = {}
    example = torch.randint(0, 256, (1, 3, 320, 320), dtype=torch.uint8)
    probe = torch.randint(0, 256, (2, 3, 192, 256), dtype=torch.uint8)

    with torch.no_grad():
        # TorchScript fp32 (CPU trace + freeze; optimize_for_inference on CPU writes MKLDNN ops libtorch 2.7.1 rejects)
        fp32 = Deployed(net).eval()
        ts = torch.jit.freeze(torch.jit.trace(fp32, example))
        torch.jit.save(ts, os.path.join(out, f"unet-{variant}-fp32.pt"))
        files.setdefault("torchscript", {})["fp32"] = f"unet-{variant}-fp32.pt"
        assert torch.allclose(ts(probe), fp32(probe), atol=1e-5), "traced fp32 graph is not shape-generic"

        # TorchScript fp16, traced on the GPU where half convolutions are fast; channels_last for Tensor Cores
        dev = torch.device(device)
        half = Deployed(UNetCopy(net).to(dev).half(), half=True, channels_last=dev.type == "cuda").to(dev).eval()
        ts16 = torch.jit.freeze(torch.jit.trace(half, example.to(dev)))
        if optimize and dev.type == "cuda":
            ts16 = torch.jit.optimize_for_inference(ts16)
        torch.jit.save(ts16, os.path.join(out, f"unet-{variant}-fp16.pt"))
        files["torchscript"]["fp16"] = f"unet-{variant}-fp16.pt"
        err16 = (ts16(probe.to(dev)).cpu() - fp32(probe)).abs().max().item()
        print(f"torchscript fp16 vs fp32 max abs diff {err16:.2e}")

        # ONNX fp32 and fp16 (legacy exporter, opset 17, dynamic batch and spatial axes)
        axes = {"pixels": {0: "batch", 2: "height", 3: "width"}, "alpha": {0: "batch", 2: "height", 3: "width"}}
        torch.onnx.export(fp32, (example,), os.path.join(out, f"unet-{variant}-fp32.onnx"), input_names=["pixels"],
                          output_names=["alpha"], dynamic_axes=axes, opset_version=17, dynamo=False)
        files.setdefault("onnx", {})["fp32"] = f"unet-{variant}-fp32.onnx"
        half_plain = Deployed(UNetCopy(net).to(dev).half(), half=True).to(dev).eval()
        torch.onnx.export(half_plain, (example.to(dev),), os.path.join(out, f"unet-{variant}-fp16.onnx"),
                          input_names=["pixels"], output_names=["alpha"], dynamic_axes=axes, opset_version=17,
                          dynamo=False)
        files["onnx"]["fp16"] = f"unet-{variant}-fp16.onnx"

    try:
        import onnxruntime as ort
        sess = ort.InferenceSession(os.path.join(out, f"unet-{variant}-fp32.onnx"), providers=["CPUExecutionProvider"])
        err = np.abs(sess.run(None, {"pixels": probe.numpy()})[0] - fp32(probe).detach().numpy()).max()
        print(f"onnxruntime fp32 vs pytorch max abs diff {err:.2e}")
    except ImportError:
        print("onnxruntime not installed: ONNX parity check skipped")

    longest = 384 if variant == "tiny" else 1024
    spec = {
        "name": f"unet-{variant}",
        "version": 1,
        "description": f"dev.matting reference U-Net ({variant}, widths {'-'.join(map(str, WIDTHS[variant]))}, "
                       f"{sum(p.numel() for p in net.parameters())} parameters)",
        "files": files,
        "input": {
            "name": "pixels", "dtype": "uint8", "layout": "NCHW", "channels": "RGB",
            "policy": {"kind": "longest-side", "size": longest, "multiple": MULTIPLE},
        },
        # The graph normalises uint8 pixels itself; kept here so tools and float32-input models read the same way.
        "normalization": {"inGraph": True, "scale": 1 / 255.0, "mean": list(MEAN), "std": list(STD)},
        "output": {"name": "alpha", "index": 0, "channel": 0, "activation": "none"},
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    return spec


def UNetCopy(net):
    import copy
    return copy.deepcopy(net)


def write_parity(net, out, seed):
    """Input pixels and the alpha eager PyTorch fp32 computes for them, for the Java backends' parity tests."""
    from PIL import Image
    pdir = os.path.join(out, "parity")
    os.makedirs(pdir, exist_ok=True)
    gen = torch.Generator().manual_seed(seed + 1)
    cases = []
    net = net.cpu().eval()
    for i, (h, w) in enumerate([(320, 320), (256, 384), (384, 224)]):
        img, _ = synthetic_batch(1, max(h, w), gen, "cpu")
        img = img[:, :, :h, :w]
        pixels = torch.round(img * 255).to(torch.uint8)
        with torch.no_grad():
            alpha = Deployed(net)(pixels)[0, 0].numpy().astype("<f4")
        name = f"case{i}"
        Image.fromarray(pixels[0].permute(1, 2, 0).numpy()).save(os.path.join(pdir, f"{name}.png"))
        alpha.tofile(os.path.join(pdir, f"{name}.alpha.f32"))
        cases.append({"image": f"{name}.png", "alpha": f"{name}.alpha.f32", "height": h, "width": w})
    with open(os.path.join(pdir, "cases.json"), "w") as f:
        json.dump({"producer": f"torch {torch.__version__}, eager fp32 on CPU", "cases": cases}, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=sorted(WIDTHS), default="tiny")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=None, help="training steps (tiny: 6000, base: 0)")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--optimize", action="store_true",
                    help="also run torch.jit.optimize_for_inference on the CUDA fp16 export")
    ap.add_argument("--parity", action="store_true", help="write parity pairs (default for tiny)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    net = UNet(WIDTHS[args.variant]).to(args.device)
    print(f"unet-{args.variant}: {sum(p.numel() for p in net.parameters()):,} parameters on {args.device}")
    steps = args.steps if args.steps is not None else (6000 if args.variant == "tiny" else 0)
    if steps:
        train(net, steps, args.device, args.seed)
        gen = torch.Generator(device=args.device).manual_seed(7)
        with torch.no_grad():
            img, alpha = synthetic_batch(64, 320, gen, args.device)
            mean = torch.tensor(MEAN, device=args.device).view(1, 3, 1, 1)
            std = torch.tensor(STD, device=args.device).view(1, 3, 1, 1)
            pred = net((torch.round(img * 255) / 255 - mean) / std)
        print(f"held-out synthetic IoU@0.5 {iou(pred, alpha):.4f}, MAE {(pred - alpha).abs().mean().item():.4f}")
    else:
        net.eval()
    export(net, args.out, args.variant, args.device, args.optimize)
    if args.parity or args.variant == "tiny":
        write_parity(net, args.out, args.seed)
    print("wrote", sorted(os.listdir(args.out)))


if __name__ == "__main__":
    main()
