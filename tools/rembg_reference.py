#!/usr/bin/env python3
"""rembg's default `remove()` path for the u2netp model, reproduced with onnxruntime + Pillow + numpy only.

Writes, for every photo in --photos, the 8-bit alpha rembg computes as a grey PNG <out>/<photo-stem>.png, and
<out>/README.md saying how (tool versions, digests). Followed line by line from danielgatis/rembg at commit
684f8e9 (2026-07-18):

  rembg/bg.py
    l.262-270  remove(): bytes are opened with Image.open (a PIL image or ndarray is taken as is)
    l.281      img = fix_image_orientation(img)       -> l.192-202: ImageOps.exif_transpose(img)
    l.283-284  the default session is "u2net"; for this model the caller passes new_session("u2netp")
    l.286      masks = session.predict(img)
    l.290-291  post_process_mask defaults to False (l.234): no opening / blur / threshold
    l.293-314  only_mask=False, alpha_matting=False (l.228), putalpha=False (l.278) by default, so
               cutout = naive_cutout(img, mask)   -> l.98-111: Image.composite(img, Image.new("RGBA", size, 0), mask)
               (RGB blended with transparent black by the mask: colour channels come out multiplied by alpha)
    l.322-323  bgcolor defaults to None (l.235)
  rembg/sessions/u2netp.py
    l.25-30    normalize(img, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225), size (320, 320))
    l.32       pred = ort_outs[0][:, 0, :, :]           (output 0 = d0, channel 0)
    l.34-38    pred = (pred - min) / (max - min), min and max over the whole (batch-of-one) output, float32
    l.40       Image.fromarray((pred * 255).astype("uint8"), mode="L")   (astype truncates: floor for >= 0)
    l.41       mask.resize(img.size, Image.Resampling.LANCZOS)
    l.54-59    the model file: md5 8e83ca70e441ab06c318d82300c84806
  rembg/sessions/base.py
    l.51       im = img.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    l.53-54    im_ary = np.array(im); im_ary = im_ary / max(np.max(im_ary), 1e-6)   (float64; max over all channels)
    l.56-59    tmpImg[:, :, c] = (im_ary[:, :, c] - mean[c]) / std[c]                (float64)
    l.61-67    HWC -> CHW, batch axis, .astype(np.float32), fed to the session's first input

Usage: python3 tools/rembg_reference.py [--onnx models/u2netp/u2netp.onnx] [--photos samples/photos]
                                        [--out models/u2netp/reference]
"""
import argparse
import hashlib
import io
import os
import platform
import sys

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
SIZE = (320, 320)
EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")


def list_photos(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(EXTENSIONS))


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_image(path):
    """bg.py l.264 + l.281: open the bytes, then apply the EXIF orientation (ImageOps.exif_transpose)."""
    with open(path, "rb") as f:
        data = f.read()
    img = Image.open(io.BytesIO(data))
    return ImageOps.exif_transpose(img)


def normalize(img):
    """sessions/base.py l.51-67, verbatim arithmetic: returns float32 1 x 3 x 320 x 320."""
    im = img.convert("RGB").resize(SIZE, Image.Resampling.LANCZOS)
    im_ary = np.array(im)
    im_ary = im_ary / max(np.max(im_ary), 1e-6)
    tmp = np.zeros((im_ary.shape[0], im_ary.shape[1], 3))
    tmp[:, :, 0] = (im_ary[:, :, 0] - MEAN[0]) / STD[0]
    tmp[:, :, 1] = (im_ary[:, :, 1] - MEAN[1]) / STD[1]
    tmp[:, :, 2] = (im_ary[:, :, 2] - MEAN[2]) / STD[2]
    tmp = tmp.transpose((2, 0, 1))
    return np.expand_dims(tmp, 0).astype(np.float32)


def to_mask(output0, size):
    """sessions/u2netp.py l.32-41: d0 (N x 1 x H x W float32) -> 8-bit mask at the source size (uint8 H x W)."""
    pred = output0[:, 0, :, :]
    ma = np.max(pred)
    mi = np.min(pred)
    pred = (pred - mi) / (ma - mi)
    pred = np.squeeze(pred)
    # rembg passes mode="L"; a 2-D uint8 array is "L" anyway (and the mode argument is deprecated in Pillow 11.3+)
    mask = Image.fromarray((pred * 255).astype("uint8"))
    mask = mask.resize(size, Image.Resampling.LANCZOS)
    return np.array(mask)


def naive_cutout(img, mask):
    """bg.py l.98-111, for reference: what remove() returns by default (RGBA, colour multiplied by alpha)."""
    empty = Image.new("RGBA", img.size, 0)
    return Image.composite(img, empty, mask)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", default=os.path.join(HERE, "..", "models", "u2netp", "u2netp.onnx"))
    ap.add_argument("--photos", default=os.path.join(HERE, "..", "samples", "photos"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "models", "u2netp", "reference"))
    args = ap.parse_args()
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime is not importable: the reference alphas need it (pip install onnxruntime, or run this on "
              "the GPU machine); nothing written", file=sys.stderr)
        return 3
    os.makedirs(args.out, exist_ok=True)
    # rembg would pick CUDA when onnxruntime-gpu is installed; the reference is fixed to the CPU provider
    sess = ort.InferenceSession(args.onnx, providers=["CPUExecutionProvider"])
    input_name = sess.get_inputs()[0].name
    rows = []
    for path in list_photos(args.photos):
        stem = os.path.splitext(os.path.basename(path))[0]
        img = load_image(path)
        out = sess.run(None, {input_name: normalize(img)})
        mask = to_mask(out[0], img.size)
        dst = os.path.join(args.out, stem + ".png")
        Image.fromarray(mask).save(dst)
        src_sha, dst_sha = file_sha256(path), file_sha256(dst)
        rows.append((os.path.basename(path), img.mode, f"{img.size[0]}x{img.size[1]}", src_sha,
                     stem + ".png", int(mask.min()), int(mask.max()), float(mask.mean()), dst_sha))
        print(f"{path} ({img.mode} {img.size[0]}x{img.size[1]}) -> {dst}: alpha min {mask.min()} max {mask.max()} "
              f"mean {mask.mean():.2f}", flush=True)
    onnx_sha = file_sha256(args.onnx)
    import PIL
    versions = (f"Python {platform.python_version()}, onnxruntime {ort.__version__} (CPUExecutionProvider), "
                f"Pillow {PIL.__version__}, numpy {np.__version__}")
    print(versions, flush=True)
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write("# rembg reference alphas for u2netp\n\n")
        f.write("Each `<photo-stem>.png` here is the 8-bit alpha (grey PNG, the source photo's size) that rembg's "
                "default `remove(data, session=new_session(\"u2netp\"))` computes for `samples/photos/<photo>`, "
                "before it is applied to the photo. Produced by `python3 tools/rembg_reference.py`, which reproduces "
                "rembg's code (danielgatis/rembg at 684f8e9; file and line references are in the script) with "
                "onnxruntime, Pillow and numpy alone:\n\n")
        f.write("1. open the file, `ImageOps.exif_transpose` (rembg/bg.py l.281, l.192-202);\n"
                "2. `convert(\"RGB\")`, resize to 320x320 with `Image.Resampling.LANCZOS` (sessions/base.py l.51);\n"
                "3. divide by `max(np.max(img), 1e-6)` (the maximum over all pixels and channels), subtract mean "
                "(0.485, 0.456, 0.406), divide by std (0.229, 0.224, 0.225), in float64, then cast to float32, "
                "NCHW (base.py l.53-67);\n"
                "4. run `models/u2netp/u2netp.onnx` (onnxruntime, CPU provider), take output 0 channel 0 (d0) "
                "(sessions/u2netp.py l.25-32);\n"
                "5. min-max normalise over the output, `(pred * 255).astype(\"uint8\")` (truncation), resize back to "
                "the photo's size with LANCZOS (u2netp.py l.34-41).\n\n"
                "rembg's defaults apply no post-processing to this mask (`post_process_mask=False`, "
                "`alpha_matting=False`); `remove()` then returns `Image.composite(img, transparent black, mask)`: "
                "RGBA with alpha = this mask and colour channels multiplied by it (bg.py l.98-111, l.313-314).\n\n")
        f.write(f"Tools: {versions}. Model sha256 `{onnx_sha}`.\n\n")
        f.write("| photo | mode | size | photo sha256 | alpha | min | max | mean | alpha sha256 |\n")
        f.write("|---|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            f.write(f"| {r[0]} | {r[1]} | {r[2]} | `{r[3][:16]}` | {r[4]} | {r[5]} | {r[6]} | {r[7]:.2f} | "
                    f"`{r[8][:16]}` |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
