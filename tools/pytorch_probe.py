#!/usr/bin/env python3
"""The known-answer probe the PyTorch backend runs when it opens on a CPU (dev.matting.djl.KnownAnswerProbe).

Why: on an AMD EPYC with AVX-512, libtorch's oneDNN AVX-512 convolution kernels returned alphas off by 0.1-0.2 with
no error (issue 9); capping oneDNN at AVX2 fixed it. The SDK caps the ISA itself before libtorch loads, and then checks
the result: a small network whose layers mirror the shipped models' convolutions (the tiny U-Net's 3x3 encoder and
decoder at widths 8-128 with max-pooling and bilinear up-sampling, U^2-Netp's dilated 3x3 convolutions at rates 1, 2,
4 and 8, 1x1 projections) runs on a fixed input, and its three outputs are compared with answers computed here.

Every convolution sees a batch of 2, so libtorch sends it to oneDNN (PyTorch's CPU dispatch takes its own slow path
for single small images, which would test nothing).

The answers are computed in float64 by eager PyTorch on this machine (oneDNN is not used for float64), so they do not
depend on the kernels under test; the float32 eager result is printed beside them to size the tolerance. The same
network is exported to ONNX for an independent cross-check through ONNX Runtime (MLAS kernels) in matting-onnx's tests.

  /usr/bin/python3 tools/pytorch_probe.py          # torch 1.13 (Debian python3-torch) or newer, CPU only

Writes
  matting-djl/src/main/resources/dev/matting/djl/probe/probe.pt          TorchScript (traced, float32)
  matting-djl/src/main/resources/dev/matting/djl/probe/expected.bin      float32 little-endian answers, outputs in order
  matting-onnx/src/test/resources/dev/matting/djl/probe/probe.onnx       the same network for ONNX Runtime
"""
import argparse
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

N, H, W = 2, 64, 64


def probe_input():
    """The fixed input, computed in double and rounded to float32; KnownAnswerProbe.input() is the same formula."""
    x = np.zeros((N, 3, H, W), dtype=np.float64)
    for n in range(N):
        for c in range(3):
            for h in range(H):
                for w in range(W):
                    x[n, c, h, w] = (math.sin(0.37 * h * (c + 1) + 0.23 * w * (n + 1) + c)
                                     + 0.5 * math.cos(0.05 * h * w + 0.7 * n))
    return x.astype(np.float32)


class Block(nn.Module):
    """3x3 convolution (optionally dilated), BatchNorm in eval mode, ReLU: the models' building block."""

    def __init__(self, cin, cout, dilation=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=dilation, dilation=dilation)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1, self.e2, self.e3 = Block(3, 8), Block(8, 16), Block(16, 32)
        self.e4, self.e5 = Block(32, 64), Block(64, 128)
        self.r1, self.r2, self.r4, self.r8 = Block(16, 16, 1), Block(16, 16, 2), Block(16, 16, 4), Block(16, 16, 8)
        self.d4, self.d3 = Block(128 + 64, 64), Block(64 + 32, 32)
        self.d2, self.d1 = Block(32 + 16, 16), Block(16 + 8, 8)
        self.head = nn.Conv2d(8, 1, 3, padding=1)
        self.rproj = nn.Conv2d(16, 1, 1)
        self.bproj = nn.Conv2d(128, 1, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        e3 = self.e3(F.max_pool2d(e2, 2))
        e4 = self.e4(F.max_pool2d(e3, 2))
        e5 = self.e5(F.max_pool2d(e4, 2))
        r = self.r8(self.r4(self.r2(self.r1(e2))))

        def up(a, b):
            return torch.cat([F.interpolate(a, size=b.shape[2:], mode="bilinear", align_corners=False), b], 1)

        d4 = self.d4(up(e5, e4))
        d3 = self.d3(up(d4, e3))
        d2 = self.d2(up(d3, e2 + r))
        d1 = self.d1(up(d2, e1))
        return self.head(d1), self.rproj(r), self.bproj(e5)


def build():
    torch.manual_seed(20251125)
    net = Probe()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.uniform_(m.bias, -0.1, 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    return net.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=".", help="repository root")
    args = ap.parse_args()
    net = build()
    x = torch.from_numpy(probe_input())
    with torch.no_grad():
        exact = [o.numpy().astype(np.float32) for o in net.double()(x.double())]
        net = net.float()
        eager32 = [o.numpy() for o in net(x)]
        traced = torch.jit.trace(net, x, check_trace=False)
    for i, (a, b) in enumerate(zip(exact, eager32)):
        scale = max(1.0, float(np.abs(a).max()))
        print(f"output {i}: shape {a.shape}, max |ref| {np.abs(a).max():.4f}, "
              f"float32 eager vs float64 max |d| {np.abs(a - b).max():.3e} ({np.abs(a - b).max() / scale:.3e} of scale)")
    res = os.path.join(args.root, "matting-djl/src/main/resources/dev/matting/djl/probe")
    os.makedirs(res, exist_ok=True)
    traced.save(os.path.join(res, "probe.pt"))
    with open(os.path.join(res, "expected.bin"), "wb") as f:
        for a in exact:
            f.write(a.astype("<f4").tobytes())
    onnx_dir = os.path.join(args.root, "matting-onnx/src/test/resources/dev/matting/djl/probe")
    os.makedirs(onnx_dir, exist_ok=True)
    torch.onnx.export(net, x, os.path.join(onnx_dir, "probe.onnx"), input_names=["x"],
                      output_names=["head", "dilated", "bottleneck"], opset_version=13)
    print("shapes:", [list(a.shape) for a in exact])


if __name__ == "__main__":
    main()
