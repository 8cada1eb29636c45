#!/usr/bin/env python3
"""Looks at a trained model the way a person would: writes OUT/train-preview.png (8 synthetic training composites
beside their true alpha) and OUT/samples-preview.png (each image of IMAGES beside the alpha the TorchScript FP32
export of OUT/tiny predicts for it, at the model's 384 px policy). IMAGES defaults to out/samples, the synthetic
scenes `java -jar matting-benchmarks/target/matting-benchmarks.jar --generate-samples out/samples` writes (the tiny
model is trained on such scenes; the photos of samples/photos are for the embedded U^2-Netp).

Usage (from the repository root): python3 tools/preview.py OUT [IMAGES]  # after tools/unet.py --variant tiny --out OUT/tiny
"""
import sys, glob, torch, numpy as np
from PIL import Image
sys.path.insert(0, __import__("os").path.dirname(__file__))
import unet
out = sys.argv[1]
gen = torch.Generator().manual_seed(3)
img, alpha = unet.synthetic_batch(8, 192, gen, "cpu")
row = torch.cat([torch.cat([img[i], alpha[i].expand(3, -1, -1)], 2) for i in range(8)], 1)
Image.fromarray((row.permute(1, 2, 0).numpy() * 255).astype("uint8")).save(out + "/train-preview.png")
ts = torch.jit.load(out + "/tiny/unet-tiny-fp32.pt")
tiles = []
images = sys.argv[2] if len(sys.argv) > 2 else "out/samples"
for f in sorted(glob.glob(images + "/*.jpg") + glob.glob(images + "/*.png")):
    im = Image.open(f).convert("RGB")
    im.thumbnail((384, 384))
    w, h = im.size
    W, H = (w + 31) // 32 * 32, (h + 31) // 32 * 32
    a = np.zeros((H, W, 3), np.uint8); a[:h, :w] = np.asarray(im); a[h:, :w] = a[h - 1:h, :w]; a[:, w:] = a[:, w - 1:w]
    with torch.no_grad():
        al = ts(torch.from_numpy(a).permute(2, 0, 1)[None])[0, 0, :h, :w].numpy()
    tile = np.zeros((384, 768, 3), np.uint8)
    tile[:h, :w] = np.asarray(im); tile[:h, 384:384 + w] = (al[..., None] * 255).astype(np.uint8)
    tiles.append(tile)
Image.fromarray(np.concatenate(tiles, 0)).save(out + "/samples-preview.png")
