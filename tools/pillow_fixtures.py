#!/usr/bin/env python3
"""Pillow resize fixtures for the SDK's bit-exactness tests (matting-api, PillowResamplerTest).

Writes small seeded images and what Pillow's Image.resize makes of them with each filter the SDK reproduces
(LANCZOS, BICUBIC, BILINEAR, BOX), in modes L and RGB, down, up, one axis only and mixed, plus the first step of
rembg's pipeline on a real photo (chelsea.png to 320x320, LANCZOS) and the last (a 320x320 alpha back to the photo's
size). Each case is an input PNG, an output PNG and a line in cases.json (an input starting with ../ is a repository file,
relative to the repository root). Pillow's 8-bit resampling is the same
from 9.0 to 12.3 (src/libImaging/Resample.c), so any of those versions gives identical files.

Usage: python3 tools/pillow_fixtures.py [--out matting-api/src/test/resources/dev/matting/image/pillow]
"""
import argparse
import json
import os

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
FILTERS = {
    "lanczos": Image.LANCZOS,
    "bicubic": Image.BICUBIC,
    "bilinear": Image.BILINEAR,
    "box": Image.BOX,
}
# (source w, h) -> (target w, h): down, up, vertical only, horizontal only, mixed, degenerate sizes, large ratios
SIZES = [
    ((37, 23), (16, 16)),
    ((16, 16), (37, 23)),
    ((50, 40), (50, 17)),
    ((50, 40), (13, 40)),
    ((20, 30), (45, 12)),
    ((61, 45), (32, 32)),
    ((7, 1), (3, 5)),
    ((1, 9), (4, 2)),
    ((96, 64), (5, 3)),
    ((5, 4), (64, 48)),
]


def image(rng, w, h, mode):
    """Noise over a smooth gradient with a few hard edges: every rounding path and the clipping of overshoot."""
    channels = 3 if mode == "RGB" else 1
    yy, xx = np.mgrid[0:h, 0:w]
    base = (xx * 255.0 / max(w - 1, 1) + yy * 97.0 / max(h - 1, 1))[..., None]
    noise = rng.integers(-60, 61, size=(h, w, channels))
    edges = np.where((xx // 3 + yy // 4) % 5 == 0, 255, 0)[..., None]
    a = np.clip(base + noise, 0, 255)
    a = np.where(edges > 0, 255 - a, a)
    a = a.astype(np.uint8)
    return Image.fromarray(a[..., 0] if channels == 1 else a, mode)


def save(img, out, name):
    img.save(os.path.join(out, name), optimize=True)
    return name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "matting-api", "src", "test", "resources", "dev",
                                                  "matting", "image", "pillow"))
    ap.add_argument("--photo", default=os.path.join(HERE, "..", "samples", "photos", "chelsea.png"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(20260722)
    cases = []
    n = 0
    for mode in ("L", "RGB"):
        for (src, dst) in SIZES:
            img = image(rng, src[0], src[1], mode)
            n += 1
            name_in = save(img, args.out, "in-%02d.png" % n)
            for key, f in FILTERS.items():
                out = img.resize(dst, f)
                name_out = save(out, args.out, "in-%02d-%s-%dx%d.png" % (n, key, dst[0], dst[1]))
                cases.append({"filter": key, "mode": mode, "input": name_in, "output": name_out,
                              "width": dst[0], "height": dst[1]})
    # rembg's first step on a real photo, and its last on an alpha (a smooth blob with a soft edge)
    # the photo itself is read from the repository (samples/photos), not copied
    photo = Image.open(args.photo).convert("RGB")
    cases.append({"filter": "lanczos", "mode": "RGB", "input": "../samples/photos/" + os.path.basename(args.photo),
                  "output": save(photo.resize((320, 320), Image.LANCZOS), args.out, "photo-lanczos-320x320.png"),
                  "width": 320, "height": 320})
    yy, xx = np.mgrid[0:320, 0:320]
    r = np.hypot(xx - 150.0, yy - 170.0)
    alpha = np.clip((110.0 - r) * 6.0 + rng.normal(0, 3, size=r.shape), 0, 255).astype(np.uint8)
    a = Image.fromarray(alpha, "L")
    save(a, args.out, "alpha.png")
    cases.append({"filter": "lanczos", "mode": "L", "input": "alpha.png",
                  "output": save(a.resize(photo.size, Image.LANCZOS), args.out,
                                 "alpha-lanczos-%dx%d.png" % photo.size),
                  "width": photo.size[0], "height": photo.size[1]})
    with open(os.path.join(args.out, "cases.json"), "w") as fh:
        json.dump({"producer": "Pillow %s, numpy %s, tools/pillow_fixtures.py" % (PIL.__version__, np.__version__),
                   "cases": cases}, fh, indent=1)
    print("%d cases in %s" % (len(cases), args.out))


if __name__ == "__main__":
    main()
