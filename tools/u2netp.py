#!/usr/bin/env python3
"""U^2-Netp (Qin et al., 2020) in PyTorch, with its weights read from the ONNX file rembg serves, and TorchScript export.

The architecture is the upstream one, class U2NETP of xuebinqin/U-2-Net model/u2net.py (commit ac7e1c8, last
changed by 5d7e20d, 2021-01-29): RSU7, RSU6, RSU5, RSU4, RSU4F blocks of REBNCONV (3x3 conv with bias, BatchNorm,
ReLU), 2x2 max pools with ceil_mode=True, bilinear `_upsample_like`, six 3x3 side convs, a 1x1 fusion conv and a
sigmoid on each of the seven side outputs d0..d6.

Two facts come from the ONNX graph (models/u2netp/u2netp.onnx, "pytorch 1.9", opset 11), not from memory:
  * it has no BatchNormalization node: each of the 112 REBNCONV convs carries BatchNorm folded into its weight and
    bias (the exporter's constant folding in eval mode; those initializers are named by number, e.g. "1967"), so the
    model is built with `nn.Identity()` in place of every `bn_s1` and the folded weights go into `conv_s1`;
  * every Resize node is mode=linear, coordinate_transformation_mode=pytorch_half_pixel with sizes taken from the
    target tensor's shape, i.e. `F.interpolate(src, size=tar.shape[2:], mode="bilinear", align_corners=False)`, which
    is what upstream's `F.upsample(src, size=tar.shape[2:], mode='bilinear')` means in PyTorch >= 0.4.1.

Weights are mapped by graph structure: the ONNX Conv nodes and this model's convs (found with torch.fx) are paired in
topological order and each pair must agree on kernel shape, dilation, padding, initializer name where the ONNX file
kept it (side1..side6, outconv) and on which earlier convs feed it (followed through Relu, MaxPool, Resize, Concat and
Add, in input order). The ONNX file is read with a small built-in protobuf reader, so neither the `onnx` package nor
onnxruntime is needed to load the weights.

Export contract (the Java SDK depends on it): input float32 NCHW RGB, already normalised the way rembg does it
(tools/rembg_reference.py: LANCZOS to 320x320, divide by the image max, ImageNet mean/std), any N, H, W; output ONE
tensor, d0, float32 N x 1 x H x W in [0, 1] (sigmoid applied, = ONNX output 0).
  u2netp-fp32.pt  traced on the CPU with a 1x3x320x320 example, torch.jit.freeze'd (no optimize_for_inference: it
                  writes MKLDNN ops that libtorch 2.7.1, DJL 0.36, rejects)
  u2netp-fp16.pt  forward(x float32) -> net(x.half(), channels_last) -> d0.float(); traced on CUDA, frozen; the
                  same recipe as tools/unet.py's fp16 export

Usage:
  python3 tools/u2netp.py --onnx models/u2netp/u2netp.onnx --inspect
  python3 tools/u2netp.py --onnx models/u2netp/u2netp.onnx --out DIR [--device cuda] [--check --photos samples/photos]
  python3 tools/u2netp.py --onnx models/u2netp/u2netp.onnx --check --photos samples/photos   (no export)

--check compares, per photo (rembg's input), eager PyTorch fp32 on the CPU with onnxruntime (all seven outputs;
d0 must agree within 1e-4), the exported fp32 TorchScript with onnxruntime, and the fp16 TorchScript with fp32, and
writes DIR/check.json. It needs the `onnxruntime` module; without it the ONNX comparisons are skipped with a message
and the exit status is 3. Exit status 1: a parity bound failed.
"""
import argparse
import hashlib
import json
import os
import struct
import sys
import time

import numpy as np

try:
    import torch
    import torch.fx
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # keep --inspect usable without torch
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
D0_TOLERANCE = 1e-4  # issue requirement: PyTorch port vs onnxruntime, max |d| on d0


# ----------------------------------------------------------------------------------------------------------------
# A minimal ONNX (protobuf) reader: graph inputs/outputs, nodes with attributes, float32 initializers.

def _varint(buf, i):
    result = shift = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def _fields(buf):
    i, n = 0, len(buf)
    while i < n:
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = _varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value


def _int64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _ints(wire, value):
    if wire == 0:
        return [_int64(value)]
    out, i = [], 0
    while i < len(value):
        v, i = _varint(value, i)
        out.append(_int64(v))
    return out


ONNX_DTYPES = {1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 10: "float16", 11: "float64"}
NUMPY_DTYPES = {1: "<f4", 2: "u1", 3: "i1", 6: "<i4", 7: "<i8", 10: "<f2", 11: "<f8"}


def _tensor(buf):
    dims, dtype, name, raw, floats = [], 1, "", None, []
    for f, w, v in _fields(buf):
        if f == 1:
            dims += _ints(w, v)
        elif f == 2:
            dtype = v
        elif f == 8:
            name = bytes(v).decode()
        elif f == 9:
            raw = bytes(v)
        elif f == 4:
            floats.append(np.frombuffer(bytes(v), "<f4") if w == 2 else np.frombuffer(bytes(v), "<f4", 1))
        elif f == 14 and v == 1:
            raise ValueError(f"initializer {name!r} uses external data, not supported")
    if raw is not None:
        arr = np.frombuffer(raw, NUMPY_DTYPES[dtype]).copy()
    elif floats:
        arr = np.concatenate(floats).astype("<f4")
    else:
        arr = np.zeros(0, NUMPY_DTYPES[dtype])
    return name, arr.reshape(dims)


def _attribute(buf):
    name, value, ints, floats = "", None, [], []
    for f, w, v in _fields(buf):
        if f == 1:
            name = bytes(v).decode()
        elif f == 2:
            value = struct.unpack("<f", bytes(v))[0]
        elif f == 3:
            value = _int64(v)
        elif f == 4:
            value = bytes(v).decode(errors="replace")
        elif f == 5:
            value = _tensor(v)[1]
        elif f == 7:
            floats += list(np.frombuffer(bytes(v), "<f4")) if w == 2 else [struct.unpack("<f", bytes(v))[0]]
        elif f == 8:
            ints += _ints(w, v)
    if value is None:
        value = ints if ints else floats
    return name, value


def _node(buf):
    node = {"inputs": [], "outputs": [], "name": "", "op_type": "", "attrs": {}}
    for f, _, v in _fields(buf):
        if f == 1:
            node["inputs"].append(bytes(v).decode())
        elif f == 2:
            node["outputs"].append(bytes(v).decode())
        elif f == 3:
            node["name"] = bytes(v).decode()
        elif f == 4:
            node["op_type"] = bytes(v).decode()
        elif f == 5:
            k, val = _attribute(v)
            node["attrs"][k] = val
    return node


def _value_info(buf):
    name, dtype, shape = "", None, []
    for f, _, v in _fields(buf):
        if f == 1:
            name = bytes(v).decode()
        elif f == 2:  # TypeProto
            for f2, _, v2 in _fields(v):
                if f2 == 1:  # tensor_type
                    for f3, _, v3 in _fields(v2):
                        if f3 == 1:
                            dtype = ONNX_DTYPES.get(v3, str(v3))
                        elif f3 == 2:  # TensorShapeProto
                            for f4, _, v4 in _fields(v3):
                                if f4 == 1:
                                    dim = None
                                    for f5, _, v5 in _fields(v4):
                                        dim = v5 if f5 == 1 else bytes(v5).decode()
                                    shape.append(dim)
    return {"name": name, "dtype": dtype, "shape": shape}


def read_onnx(path):
    """The parts of an ONNX model this tool needs, without the onnx package."""
    with open(path, "rb") as f:
        buf = memoryview(f.read())
    model = {"opset": {}, "producer": "", "ir_version": None, "nodes": [], "initializers": {}, "inputs": [],
             "outputs": []}
    producer_name = producer_version = ""
    for f, _, v in _fields(buf):
        if f == 1:
            model["ir_version"] = v
        elif f == 2:
            producer_name = bytes(v).decode()
        elif f == 3:
            producer_version = bytes(v).decode()
        elif f == 8:
            domain, version = "", None
            for f2, _, v2 in _fields(v):
                if f2 == 1:
                    domain = bytes(v2).decode()
                elif f2 == 2:
                    version = v2
            model["opset"][domain or "ai.onnx"] = version
        elif f == 7:
            for f2, _, v2 in _fields(v):
                if f2 == 1:
                    model["nodes"].append(_node(v2))
                elif f2 == 5:
                    name, arr = _tensor(v2)
                    model["initializers"][name] = arr
                elif f2 == 11:
                    model["inputs"].append(_value_info(v2))
                elif f2 == 12:
                    model["outputs"].append(_value_info(v2))
    model["producer"] = f"{producer_name} {producer_version}".strip()
    model["inputs"] = [i for i in model["inputs"] if i["name"] not in model["initializers"]]
    return model


def inspect(model):
    from collections import Counter
    ops = Counter(n["op_type"] for n in model["nodes"])
    resize = {tuple(sorted((k, str(v)) for k, v in n["attrs"].items())) for n in model["nodes"]
              if n["op_type"] == "Resize"}
    pools = {tuple(sorted((k, str(v)) for k, v in n["attrs"].items())) for n in model["nodes"]
             if n["op_type"] == "MaxPool"}
    n_params = sum(a.size for a in model["initializers"].values())
    return {
        "ir_version": model["ir_version"], "opset": model["opset"], "producer": model["producer"],
        "inputs": model["inputs"], "outputs": model["outputs"], "op_counts": dict(sorted(ops.items())),
        "resize_attributes": [dict(r) for r in resize], "maxpool_attributes": [dict(p) for p in pools],
        "initializers": len(model["initializers"]), "parameters": int(n_params),
        "named_initializers": sorted(k for k in model["initializers"] if not k.isdigit()),
    }


# ----------------------------------------------------------------------------------------------------------------
# The architecture, as upstream (xuebinqin/U-2-Net model/u2net.py), with BatchNorm optionally pre-folded.

if torch is not None:

    def _upsample_like(src, tar):
        # upstream: F.upsample(src, size=tar.shape[2:], mode='bilinear'); align_corners defaults to False since
        # PyTorch 0.4.1, and the ONNX Resize nodes say pytorch_half_pixel / linear, which is this.
        return F.interpolate(src, size=tar.shape[2:], mode="bilinear", align_corners=False)

    torch.fx.wrap("_upsample_like")

    class REBNCONV(nn.Module):
        def __init__(self, in_ch=3, out_ch=3, dirate=1, folded_bn=False):
            super().__init__()
            self.conv_s1 = nn.Conv2d(in_ch, out_ch, 3, padding=1 * dirate, dilation=1 * dirate)
            self.bn_s1 = nn.Identity() if folded_bn else nn.BatchNorm2d(out_ch)
            self.relu_s1 = nn.ReLU(inplace=True)

        def forward(self, x):
            return self.relu_s1(self.bn_s1(self.conv_s1(x)))

    class RSU7(nn.Module):
        def __init__(self, in_ch=3, mid_ch=12, out_ch=3, fb=False):
            super().__init__()
            self.rebnconvin = REBNCONV(in_ch, out_ch, 1, fb)
            self.rebnconv1 = REBNCONV(out_ch, mid_ch, 1, fb)
            self.pool1 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv2 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool2 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv3 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool3 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv4 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv5 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool5 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv6 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.rebnconv7 = REBNCONV(mid_ch, mid_ch, 2, fb)
            self.rebnconv6d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv5d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv4d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv3d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv2d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, 1, fb)

        def forward(self, x):
            hxin = self.rebnconvin(x)
            hx1 = self.rebnconv1(hxin)
            hx = self.pool1(hx1)
            hx2 = self.rebnconv2(hx)
            hx = self.pool2(hx2)
            hx3 = self.rebnconv3(hx)
            hx = self.pool3(hx3)
            hx4 = self.rebnconv4(hx)
            hx = self.pool4(hx4)
            hx5 = self.rebnconv5(hx)
            hx = self.pool5(hx5)
            hx6 = self.rebnconv6(hx)
            hx7 = self.rebnconv7(hx6)
            hx6d = self.rebnconv6d(torch.cat((hx7, hx6), 1))
            hx6dup = _upsample_like(hx6d, hx5)
            hx5d = self.rebnconv5d(torch.cat((hx6dup, hx5), 1))
            hx5dup = _upsample_like(hx5d, hx4)
            hx4d = self.rebnconv4d(torch.cat((hx5dup, hx4), 1))
            hx4dup = _upsample_like(hx4d, hx3)
            hx3d = self.rebnconv3d(torch.cat((hx4dup, hx3), 1))
            hx3dup = _upsample_like(hx3d, hx2)
            hx2d = self.rebnconv2d(torch.cat((hx3dup, hx2), 1))
            hx2dup = _upsample_like(hx2d, hx1)
            hx1d = self.rebnconv1d(torch.cat((hx2dup, hx1), 1))
            return hx1d + hxin

    class RSU6(nn.Module):
        def __init__(self, in_ch=3, mid_ch=12, out_ch=3, fb=False):
            super().__init__()
            self.rebnconvin = REBNCONV(in_ch, out_ch, 1, fb)
            self.rebnconv1 = REBNCONV(out_ch, mid_ch, 1, fb)
            self.pool1 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv2 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool2 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv3 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool3 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv4 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv5 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.rebnconv6 = REBNCONV(mid_ch, mid_ch, 2, fb)
            self.rebnconv5d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv4d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv3d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv2d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, 1, fb)

        def forward(self, x):
            hxin = self.rebnconvin(x)
            hx1 = self.rebnconv1(hxin)
            hx = self.pool1(hx1)
            hx2 = self.rebnconv2(hx)
            hx = self.pool2(hx2)
            hx3 = self.rebnconv3(hx)
            hx = self.pool3(hx3)
            hx4 = self.rebnconv4(hx)
            hx = self.pool4(hx4)
            hx5 = self.rebnconv5(hx)
            hx6 = self.rebnconv6(hx5)
            hx5d = self.rebnconv5d(torch.cat((hx6, hx5), 1))
            hx5dup = _upsample_like(hx5d, hx4)
            hx4d = self.rebnconv4d(torch.cat((hx5dup, hx4), 1))
            hx4dup = _upsample_like(hx4d, hx3)
            hx3d = self.rebnconv3d(torch.cat((hx4dup, hx3), 1))
            hx3dup = _upsample_like(hx3d, hx2)
            hx2d = self.rebnconv2d(torch.cat((hx3dup, hx2), 1))
            hx2dup = _upsample_like(hx2d, hx1)
            hx1d = self.rebnconv1d(torch.cat((hx2dup, hx1), 1))
            return hx1d + hxin

    class RSU5(nn.Module):
        def __init__(self, in_ch=3, mid_ch=12, out_ch=3, fb=False):
            super().__init__()
            self.rebnconvin = REBNCONV(in_ch, out_ch, 1, fb)
            self.rebnconv1 = REBNCONV(out_ch, mid_ch, 1, fb)
            self.pool1 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv2 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool2 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv3 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool3 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv4 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.rebnconv5 = REBNCONV(mid_ch, mid_ch, 2, fb)
            self.rebnconv4d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv3d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv2d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, 1, fb)

        def forward(self, x):
            hxin = self.rebnconvin(x)
            hx1 = self.rebnconv1(hxin)
            hx = self.pool1(hx1)
            hx2 = self.rebnconv2(hx)
            hx = self.pool2(hx2)
            hx3 = self.rebnconv3(hx)
            hx = self.pool3(hx3)
            hx4 = self.rebnconv4(hx)
            hx5 = self.rebnconv5(hx4)
            hx4d = self.rebnconv4d(torch.cat((hx5, hx4), 1))
            hx4dup = _upsample_like(hx4d, hx3)
            hx3d = self.rebnconv3d(torch.cat((hx4dup, hx3), 1))
            hx3dup = _upsample_like(hx3d, hx2)
            hx2d = self.rebnconv2d(torch.cat((hx3dup, hx2), 1))
            hx2dup = _upsample_like(hx2d, hx1)
            hx1d = self.rebnconv1d(torch.cat((hx2dup, hx1), 1))
            return hx1d + hxin

    class RSU4(nn.Module):
        def __init__(self, in_ch=3, mid_ch=12, out_ch=3, fb=False):
            super().__init__()
            self.rebnconvin = REBNCONV(in_ch, out_ch, 1, fb)
            self.rebnconv1 = REBNCONV(out_ch, mid_ch, 1, fb)
            self.pool1 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv2 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.pool2 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.rebnconv3 = REBNCONV(mid_ch, mid_ch, 1, fb)
            self.rebnconv4 = REBNCONV(mid_ch, mid_ch, 2, fb)
            self.rebnconv3d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv2d = REBNCONV(mid_ch * 2, mid_ch, 1, fb)
            self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, 1, fb)

        def forward(self, x):
            hxin = self.rebnconvin(x)
            hx1 = self.rebnconv1(hxin)
            hx = self.pool1(hx1)
            hx2 = self.rebnconv2(hx)
            hx = self.pool2(hx2)
            hx3 = self.rebnconv3(hx)
            hx4 = self.rebnconv4(hx3)
            hx3d = self.rebnconv3d(torch.cat((hx4, hx3), 1))
            hx3dup = _upsample_like(hx3d, hx2)
            hx2d = self.rebnconv2d(torch.cat((hx3dup, hx2), 1))
            hx2dup = _upsample_like(hx2d, hx1)
            hx1d = self.rebnconv1d(torch.cat((hx2dup, hx1), 1))
            return hx1d + hxin

    class RSU4F(nn.Module):
        def __init__(self, in_ch=3, mid_ch=12, out_ch=3, fb=False):
            super().__init__()
            self.rebnconvin = REBNCONV(in_ch, out_ch, 1, fb)
            self.rebnconv1 = REBNCONV(out_ch, mid_ch, 1, fb)
            self.rebnconv2 = REBNCONV(mid_ch, mid_ch, 2, fb)
            self.rebnconv3 = REBNCONV(mid_ch, mid_ch, 4, fb)
            self.rebnconv4 = REBNCONV(mid_ch, mid_ch, 8, fb)
            self.rebnconv3d = REBNCONV(mid_ch * 2, mid_ch, 4, fb)
            self.rebnconv2d = REBNCONV(mid_ch * 2, mid_ch, 2, fb)
            self.rebnconv1d = REBNCONV(mid_ch * 2, out_ch, 1, fb)

        def forward(self, x):
            hxin = self.rebnconvin(x)
            hx1 = self.rebnconv1(hxin)
            hx2 = self.rebnconv2(hx1)
            hx3 = self.rebnconv3(hx2)
            hx4 = self.rebnconv4(hx3)
            hx3d = self.rebnconv3d(torch.cat((hx4, hx3), 1))
            hx2d = self.rebnconv2d(torch.cat((hx3d, hx2), 1))
            hx1d = self.rebnconv1d(torch.cat((hx2d, hx1), 1))
            return hx1d + hxin

    class U2NETP(nn.Module):
        """U^2-Net small (1.13 M parameters): returns sigmoid(d0), sigmoid(d1), ..., sigmoid(d6)."""

        def __init__(self, in_ch=3, out_ch=1, folded_bn=False):
            super().__init__()
            fb = folded_bn
            self.stage1 = RSU7(in_ch, 16, 64, fb)
            self.pool12 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.stage2 = RSU6(64, 16, 64, fb)
            self.pool23 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.stage3 = RSU5(64, 16, 64, fb)
            self.pool34 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.stage4 = RSU4(64, 16, 64, fb)
            self.pool45 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.stage5 = RSU4F(64, 16, 64, fb)
            self.pool56 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            self.stage6 = RSU4F(64, 16, 64, fb)
            # decoder
            self.stage5d = RSU4F(128, 16, 64, fb)
            self.stage4d = RSU4(128, 16, 64, fb)
            self.stage3d = RSU5(128, 16, 64, fb)
            self.stage2d = RSU6(128, 16, 64, fb)
            self.stage1d = RSU7(128, 16, 64, fb)
            self.side1 = nn.Conv2d(64, out_ch, 3, padding=1)
            self.side2 = nn.Conv2d(64, out_ch, 3, padding=1)
            self.side3 = nn.Conv2d(64, out_ch, 3, padding=1)
            self.side4 = nn.Conv2d(64, out_ch, 3, padding=1)
            self.side5 = nn.Conv2d(64, out_ch, 3, padding=1)
            self.side6 = nn.Conv2d(64, out_ch, 3, padding=1)
            self.outconv = nn.Conv2d(6 * out_ch, out_ch, 1)

        def forward(self, x):
            hx1 = self.stage1(x)
            hx = self.pool12(hx1)
            hx2 = self.stage2(hx)
            hx = self.pool23(hx2)
            hx3 = self.stage3(hx)
            hx = self.pool34(hx3)
            hx4 = self.stage4(hx)
            hx = self.pool45(hx4)
            hx5 = self.stage5(hx)
            hx = self.pool56(hx5)
            hx6 = self.stage6(hx)
            hx6up = _upsample_like(hx6, hx5)
            # decoder
            hx5d = self.stage5d(torch.cat((hx6up, hx5), 1))
            hx5dup = _upsample_like(hx5d, hx4)
            hx4d = self.stage4d(torch.cat((hx5dup, hx4), 1))
            hx4dup = _upsample_like(hx4d, hx3)
            hx3d = self.stage3d(torch.cat((hx4dup, hx3), 1))
            hx3dup = _upsample_like(hx3d, hx2)
            hx2d = self.stage2d(torch.cat((hx3dup, hx2), 1))
            hx2dup = _upsample_like(hx2d, hx1)
            hx1d = self.stage1d(torch.cat((hx2dup, hx1), 1))
            # side outputs
            d1 = self.side1(hx1d)
            d2 = _upsample_like(self.side2(hx2d), d1)
            d3 = _upsample_like(self.side3(hx3d), d1)
            d4 = _upsample_like(self.side4(hx4d), d1)
            d5 = _upsample_like(self.side5(hx5d), d1)
            d6 = _upsample_like(self.side6(hx6), d1)
            d0 = self.outconv(torch.cat((d1, d2, d3, d4, d5, d6), 1))
            return (torch.sigmoid(d0), torch.sigmoid(d1), torch.sigmoid(d2), torch.sigmoid(d3), torch.sigmoid(d4),
                    torch.sigmoid(d5), torch.sigmoid(d6))

    class Deployed(nn.Module):
        """What is exported: float32 NCHW (rembg-normalised) in, d0 float32 N x 1 x H x W out; casts in-graph."""

        def __init__(self, net, half=False, channels_last=False):
            super().__init__()
            self.net = net
            self.half_precision = half
            self.channels_last = channels_last

        def forward(self, x):
            if self.half_precision:
                x = x.half()
            if self.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            return self.net(x)[0].float()


# ----------------------------------------------------------------------------------------------------------------
# Weight mapping by graph structure.

DATA_INPUTS = {"Relu": [0], "MaxPool": [0], "Resize": [0], "Sigmoid": [0], "Conv": [0], "Identity": [0]}


def _onnx_conv_graph(model):
    producer = {}
    for n in model["nodes"]:
        for o in n["outputs"]:
            producer[o] = n
    graph_inputs = {i["name"] for i in model["inputs"]}
    convs = [n for n in model["nodes"] if n["op_type"] == "Conv"]
    index = {id(n): k for k, n in enumerate(convs)}

    def feeders(tensor):
        if tensor in graph_inputs:
            return ["input"]
        n = producer[tensor]
        if n["op_type"] == "Conv":
            return [index[id(n)]]
        if n["op_type"] in ("Concat", "Add"):
            picks = range(len(n["inputs"]))
        elif n["op_type"] in DATA_INPUTS:
            picks = DATA_INPUTS[n["op_type"]]
        else:
            raise ValueError(f"unexpected op {n['op_type']} on a data path (tensor {tensor})")
        return [f for i in picks for f in feeders(n["inputs"][i])]

    return convs, [feeders(c["inputs"][0]) for c in convs]


def _torch_conv_graph(net):
    gm = torch.fx.symbolic_trace(net)
    modules = dict(gm.named_modules())
    nodes = [n for n in gm.graph.nodes if n.op == "call_module" and isinstance(modules[n.target], nn.Conv2d)]
    index = {n: k for k, n in enumerate(nodes)}

    def feeders(node):
        if node.op == "placeholder":
            return ["input"]
        if node in index:
            return [index[node]]
        if node.op == "call_module":
            return feeders(node.args[0])
        if node.op == "call_function":
            name = getattr(node.target, "__name__", str(node.target))
            if name == "cat":
                return [f for a in node.args[0] for f in feeders(a)]
            if name == "_upsample_like":
                return feeders(node.args[0])
            if name in ("add", "iadd"):
                return [f for a in node.args for f in feeders(a)]
        raise ValueError(f"unexpected fx node {node.op} {node.target} on a data path")

    return [(n.target, modules[n.target]) for n in nodes], [feeders(n.args[0]) for n in nodes]


def load_from_onnx(model):
    """A U2NETP (BatchNorm folded, as in the file) carrying the ONNX initializers; returns (net, mapping)."""
    has_bn = any(n["op_type"] == "BatchNormalization" for n in model["nodes"])
    if has_bn:
        raise SystemExit("this ONNX file has BatchNormalization nodes; only the folded export is supported")
    net = U2NETP(folded_bn=True).eval()
    onnx_convs, onnx_feeds = _onnx_conv_graph(model)
    torch_convs, torch_feeds = _torch_conv_graph(net)
    if len(onnx_convs) != len(torch_convs):
        raise SystemExit(f"conv count differs: ONNX {len(onnx_convs)}, U2NETP {len(torch_convs)}")
    if onnx_feeds != torch_feeds:
        bad = next(k for k in range(len(onnx_feeds)) if onnx_feeds[k] != torch_feeds[k])
        raise SystemExit(f"graph structure differs at conv {bad} ({torch_convs[bad][0]}): "
                         f"ONNX fed by {onnx_feeds[bad]}, U2NETP by {torch_feeds[bad]}")
    inits = model["initializers"]
    mapping = []
    with torch.no_grad():
        for node, (name, conv) in zip(onnx_convs, torch_convs):
            w_name, b_name = node["inputs"][1], node["inputs"][2]
            w, b = inits[w_name], inits[b_name]
            attrs = node["attrs"]
            checks = [
                (tuple(w.shape), tuple(conv.weight.shape), "weight shape"),
                (tuple(b.shape), tuple(conv.bias.shape), "bias shape"),
                (tuple(attrs.get("dilations", [1, 1])), tuple(conv.dilation), "dilation"),
                (tuple(attrs.get("pads", [0, 0, 0, 0])), tuple(conv.padding) * 2, "padding"),
                (tuple(attrs.get("strides", [1, 1])), tuple(conv.stride), "stride"),
                (attrs.get("group", 1), conv.groups, "groups"),
            ]
            if not w_name.isdigit():  # kept its PyTorch name: must be this module's
                checks.append((w_name, name + ".weight", "initializer name"))
            for got, want, what in checks:
                if got != want:
                    raise SystemExit(f"{name}: {what} differs, ONNX {got} vs U2NETP {want}")
            conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            conv.bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))
            mapping.append((name, w_name, b_name))
    return net, mapping


# ----------------------------------------------------------------------------------------------------------------

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(net, out, device):
    os.makedirs(out, exist_ok=True)
    net = net.cpu().eval()
    gen = torch.Generator().manual_seed(20261125)
    example = torch.randn(1, 3, 320, 320, generator=gen)
    probes = [torch.randn(2, 3, 256, 384, generator=gen), torch.randn(1, 3, 333, 250, generator=gen)]
    report = {"torch": torch.__version__}
    with torch.no_grad():
        fp32 = Deployed(net).eval()
        ts = torch.jit.freeze(torch.jit.trace(fp32, example))
        path32 = os.path.join(out, "u2netp-fp32.pt")
        torch.jit.save(ts, path32)
        loaded = torch.jit.load(path32, map_location="cpu")
        for p in [example] + probes:
            got, want = loaded(p), fp32(p)
            assert got.shape == (p.shape[0], 1, p.shape[2], p.shape[3]) and got.dtype == torch.float32, got.shape
            err = (got - want).abs().max().item()
            assert err <= 1e-5, f"traced fp32 differs from eager by {err} at {tuple(p.shape)}: not shape-generic?"
        print(f"wrote {path32} ({os.path.getsize(path32)} bytes, sha256 {sha256(path32)}); "
              f"shape-generic check passed at {[tuple(p.shape) for p in probes]}", flush=True)
        report["fp32"] = {"file": "u2netp-fp32.pt", "bytes": os.path.getsize(path32), "sha256": sha256(path32),
                          "traced_on": "cpu"}

        dev = torch.device(device)
        if dev.type != "cuda":
            print("no CUDA device: u2netp-fp16.pt is traced on CUDA only, skipped", flush=True)
            report["fp16"] = None
            return report
        import copy
        half = Deployed(copy.deepcopy(net).to(dev).half(), half=True, channels_last=True).to(dev).eval()
        ts16 = torch.jit.freeze(torch.jit.trace(half, example.to(dev)))
        path16 = os.path.join(out, "u2netp-fp16.pt")
        torch.jit.save(ts16, path16)
        loaded16 = torch.jit.load(path16, map_location=dev)
        for p in [example] + probes:
            got = loaded16(p.to(dev)).cpu()
            assert got.shape == (p.shape[0], 1, p.shape[2], p.shape[3]) and got.dtype == torch.float32, got.shape
            err = (got - fp32(p)).abs().max().item()
            print(f"  fp16 TorchScript vs fp32 eager on random {tuple(p.shape)}: max |d| {err:.2e}", flush=True)
        print(f"wrote {path16} ({os.path.getsize(path16)} bytes, sha256 {sha256(path16)})", flush=True)
        report["fp16"] = {"file": "u2netp-fp16.pt", "bytes": os.path.getsize(path16), "sha256": sha256(path16),
                          "traced_on": torch.cuda.get_device_name(dev)}
    return report


def check(net, onnx_path, photos, out, device):
    """Parity on real photos (rembg's input): eager fp32 vs onnxruntime, TorchScript fp32/fp16 vs those."""
    import rembg_reference as rr
    result = {"tolerance_d0": D0_TOLERANCE, "photos": {}}
    try:
        import onnxruntime as ort
    except ImportError:
        ort = None
        print("onnxruntime is not importable here: the ONNX comparisons are SKIPPED "
              "(run this on a machine with onnxruntime, e.g. the GPU machine)", flush=True)
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"]) if ort else None
    if ort:
        result["onnxruntime"] = ort.__version__
    ts32 = ts16 = None
    if out and os.path.exists(os.path.join(out, "u2netp-fp32.pt")):
        ts32 = torch.jit.load(os.path.join(out, "u2netp-fp32.pt"), map_location="cpu")
    dev = torch.device(device)
    if out and dev.type == "cuda" and os.path.exists(os.path.join(out, "u2netp-fp16.pt")):
        ts16 = torch.jit.load(os.path.join(out, "u2netp-fp16.pt"), map_location=dev)
    ok = True
    files = rr.list_photos(photos)
    if not files:
        raise SystemExit(f"no photos in {photos}")
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        img = rr.load_image(path)
        x = rr.normalize(img)  # float32 1x3x320x320, rembg's exact preprocessing
        row = {"size": list(img.size)}
        with torch.no_grad():
            eager = [t.numpy() for t in net(torch.from_numpy(x))]
            if ts32 is not None:
                row["ts_fp32_vs_eager_max"] = float(np.abs(ts32(torch.from_numpy(x)).numpy() - eager[0]).max())
            if ts16 is not None:
                d16 = ts16(torch.from_numpy(x).to(dev)).cpu().numpy()
                diff = np.abs(d16 - eager[0])
                row["fp16_vs_fp32_max"] = float(diff.max())
                row["fp16_vs_fp32_mean"] = float(diff.mean())
                row["fp16_alpha8_vs_fp32_alpha8_max_levels"] = int(np.abs(
                    rr.to_mask(d16, img.size).astype(int) - rr.to_mask(eager[0], img.size).astype(int)).max())
            if dev.type == "cuda":
                torch.backends.cudnn.allow_tf32 = False
                torch.backends.cuda.matmul.allow_tf32 = False
                gpu = net.to(dev)(torch.from_numpy(x).to(dev))[0].cpu().numpy()
                net.cpu()
                row["cuda_fp32_notf32_vs_cpu_fp32_max"] = float(np.abs(gpu - eager[0]).max())
        if sess is not None:
            ref = sess.run(None, {sess.get_inputs()[0].name: x})
            row["eager_vs_ort_max"] = [float(np.abs(a - b).max()) for a, b in zip(eager, ref)]
            row["eager_vs_ort_d0_mean"] = float(np.abs(eager[0] - ref[0]).mean())
            if ts32 is not None:
                with torch.no_grad():
                    row["ts_fp32_vs_ort_d0_max"] = float(np.abs(ts32(torch.from_numpy(x)).numpy() - ref[0]).max())
            row["alpha8_eager_vs_ort_max_levels"] = int(np.abs(
                rr.to_mask(eager[0], img.size).astype(int) - rr.to_mask(ref[0], img.size).astype(int)).max())
            if row["eager_vs_ort_max"][0] > D0_TOLERANCE or row.get("ts_fp32_vs_ort_d0_max", 0) > D0_TOLERANCE:
                ok = False
        result["photos"][stem] = row
        print(f"{stem:12s} {json.dumps(row)}", flush=True)
    if sess is not None:
        worst = max(r["eager_vs_ort_max"][0] for r in result["photos"].values())
        print(f"fp32 parity, PyTorch eager (CPU) vs onnxruntime {ort.__version__}, d0 max |d| over photos: "
              f"{worst:.3e} (bound {D0_TOLERANCE:g}) -> {'PASS' if ok else 'FAIL'}", flush=True)
    result["pass"] = ok if sess is not None else None
    if out:
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "check.json"), "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    if not ok:
        return 1
    return 0 if sess is not None else 3


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", default=os.path.join(HERE, "..", "models", "u2netp", "u2netp.onnx"))
    ap.add_argument("--out", help="export u2netp-fp32.pt and u2netp-fp16.pt here (and check.json with --check)")
    ap.add_argument("--inspect", action="store_true", help="print the ONNX graph facts as JSON and exit")
    ap.add_argument("--check", action="store_true", help="parity against onnxruntime on --photos")
    ap.add_argument("--photos", default=os.path.join(HERE, "..", "samples", "photos"))
    ap.add_argument("--device", default=None, help="cuda (default when available) or cpu")
    args = ap.parse_args()

    t0 = time.time()
    model = read_onnx(args.onnx)
    print(f"{args.onnx}: {os.path.getsize(args.onnx)} bytes, sha256 {sha256(args.onnx)}", flush=True)
    if args.inspect:
        print(json.dumps(inspect(model), indent=2))
        return 0
    if torch is None:
        raise SystemExit("PyTorch is not importable: only --inspect works without it")
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    net, mapping = load_from_onnx(model)
    print(f"U2NETP: {sum(p.numel() for p in net.parameters()):,} parameters, {len(mapping)} convs mapped from "
          f"{len(model['initializers'])} initializers by graph structure (BatchNorm folded in the file); "
          f"torch {torch.__version__}, device {device}", flush=True)
    status = 0
    if args.out:
        report = export(net, args.out, device)
        with open(os.path.join(args.out, "export.json"), "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    if args.check:
        status = check(net, args.onnx, args.photos, args.out, device)
    print(f"done in {time.time() - t0:.1f}s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
