#!/usr/bin/env python3
"""Writes the hand-made hostile image corpus the decoder tests run (matting-api/src/test/resources/hostile/).

Every file is built byte by byte with the standard library only (struct, zlib), so the corpus is reproducible and
says exactly what each header declares. Run from the repository root:

  python3 tools/hostile_corpus.py [--out matting-api/src/test/resources/hostile]

Each file's name says what it is; MANIFEST.tsv lists, per file, what the decoder must do with it under the test's
limits (decode, or refuse with the reason) and why.
"""
import argparse
import os
import struct
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, bit_depth, colour_type, raw_rows=None, extra=b"", interlace=0, plte=None, complete=True,
        after_ihdr=b""):
    """A PNG; raw_rows is the filtered scanline data (filter byte per row) or None for all-zero rows."""
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, interlace))
    out += after_ihdr
    if plte is not None:
        out += chunk(b"PLTE", plte)
    out += extra
    if raw_rows is None:
        channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
        row = 1 + (width * channels * bit_depth + 7) // 8
        # Stream the zeros through one compressor: a decompression bomb a few KB long.
        comp = zlib.compressobj(9)
        data = b""
        rows = height if complete else min(height, 16)
        block = b"\0" * row
        for _ in range(rows):
            data += comp.compress(block)
        data += comp.flush()
    else:
        data = zlib.compress(raw_rows, 9)
    out += chunk(b"IDAT", data)
    if complete:
        out += chunk(b"IEND", b"")
    return out


def tiff_ifd(little, entries):
    """A TIFF header and one IFD of (tag, type, count, value-bytes) entries, values inline (<= 4 bytes)."""
    e = "<" if little else ">"
    out = (b"II" if little else b"MM") + struct.pack(e + "HI", 42, 8)
    out += struct.pack(e + "H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack(e + "HHI", tag, typ, count) + value.ljust(4, b"\0")
    out += struct.pack(e + "I", 0)
    return out


def short(little, v):
    return struct.pack("<H" if little else ">H", v)


def long_(little, v):
    return struct.pack("<I" if little else ">I", v)


def jpeg_header(sof, width, height, components=3, precision=8, scan=b"\x00" * 64):
    """SOI, one DQT, a frame header of the given SOF marker, standard Huffman tables, SOS and some scan bytes."""
    out = b"\xff\xd8"
    out += b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    frame = struct.pack(">BHHB", precision, height, width, components)
    for c in range(components):
        frame += bytes([c + 1, 0x11, 0])
    out += bytes([0xFF, sof]) + struct.pack(">H", 2 + len(frame)) + frame
    # DC table 0 with one code (category 0), AC table 0 with one code (EOB): every block decodes to flat grey.
    out += b"\xff\xc4" + struct.pack(">H", 2 + 17 + 1) + b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    out += b"\xff\xc4" + struct.pack(">H", 2 + 17 + 1) + b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = bytes([components]) + b"".join(bytes([c + 1, 0x00]) for c in range(components))
    if sof in (0xC2, 0xC6, 0xCA, 0xCE):
        sos += b"\x00\x00\x00"  # DC first scan of a progressive frame
    else:
        sos += b"\x00\x3f\x00"
    out += b"\xff\xda" + struct.pack(">H", 2 + len(sos)) + sos + scan
    return out


def exif_app1(tiff):
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", 2 + len(body)) + body


def gif(screen_w, screen_h, frame_w, frame_h, lzw=b"\x02\x02\x4c\x01\x00"):
    out = b"GIF89a" + struct.pack("<HHBBB", screen_w, screen_h, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    out += b"\x2c" + struct.pack("<HHHHB", 0, 0, frame_w, frame_h, 0) + lzw + b"\x3b"
    return out


def bmp(width, height, bpp, data=b"", compression=0, colours=0):
    palette = b"\0\0\0\0" * colours
    header_size = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bpp, compression, len(data), 2835, 2835, colours, 0)
    return b"BM" + struct.pack("<IHHI", header_size + len(data), 0, 0, header_size) + info + palette + data


def gradient(x, y, width, height):
    """The test pattern of the small RGB PNGs: red rises left to right, green top to bottom, blue is 128."""
    return bytes([x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), 128])


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def small_rgb_png(width, height, extra=b"", interlace=0):
    rows = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:  # each pass is a small image of its own, rows filtered (type 0) as usual
            xs = range(x0, width, dx)
            for y in range(y0, height, dy):
                if xs:
                    rows += b"\0" + b"".join(gradient(x, y, width, height) for x in xs)
    else:
        for y in range(height):
            rows += b"\0" + b"".join(gradient(x, y, width, height) for x in range(width))
    return png(width, height, 8, 2, raw_rows=rows, extra=extra, interlace=interlace)


def corpus():
    files = {}
    # --- bombs the byte budget must stop (below the 100-megapixel count, above the bytes) ---
    files["png-rgba16-10000x10000-header.png"] = (
        png(10000, 10000, 16, 6, complete=False),
        "refuse:decode budget", "the issue's byte bomb: 100 MP at 8 bytes per pixel, first rows only")
    files["jpeg-progressive-9000x9000-header.jpg"] = (
        jpeg_header(0xC2, 9000, 9000),
        "refuse:decode budget", "81 MP progressive: raster, native coefficients and RGB copy exceed 768 MiB")
    files["tiff-rgba16-10000x10000-header.tif"] = (
        tiff_ifd(True, [(256, 4, 1, long_(True, 10000)), (257, 4, 1, long_(True, 10000)),
                        (258, 3, 1, short(True, 16)), (259, 3, 1, short(True, 1)), (262, 3, 1, short(True, 2)),
                        (277, 3, 1, short(True, 4)), (338, 3, 1, short(True, 2))]),
        "refuse", "16-bit RGBA TIFF header with no strips")
    # --- bombs the pixel count must stop ---
    files["png-rgb8-2147483647x2147483647.png"] = (
        png(2147483647, 2147483647, 8, 2, raw_rows=b"\0\0\0\0"),
        "refuse:pixels", "largest dimensions PNG allows")
    files["gif-65535x65535.gif"] = (gif(65535, 65535, 65535, 65535), "refuse:pixels", "largest GIF frame")
    files["bmp-rle8-12000x12000.bmp"] = (bmp(12000, 12000, 8, data=b"\x00\x01", compression=1, colours=256),
                                         "refuse:pixels", "RLE8 whose only code ends the bitmap: 2 bytes, 144 MP")
    files["bmp-12000x-12000-24bpp.bmp"] = (bmp(12000, -12000, 24), "refuse",
                                           "top-down BMP without its pixel data: the reader checks the file size")
    files["bmp-30000x30000-32bpp.bmp"] = (bmp(30000, 30000, 32), "refuse", "raster over 2 GiB: the reader rejects it")
    files["jpeg-baseline-65500x65500-header.jpg"] = (
        jpeg_header(0xC0, 65500, 65500), "refuse:pixels", "largest JPEG frame")
    # --- deflate bombs that are small enough to decode under the default limits ---
    files["png-grey8-5000x5000-deflate-bomb.png"] = (
        png(5000, 5000, 8, 0), "decode:5000x5000", "25 MB of zeros in a few KB of deflate")
    files["png-palette8-4000x3000-deflate-bomb.png"] = (
        png(4000, 3000, 8, 3, plte=b"\x10\x20\x30" * 4), "decode:4000x3000", "palette, zeros, 12 MP")
    # --- degenerate sizes ---
    files["png-0x10.png"] = (png(0, 10, 8, 2, raw_rows=b""), "refuse", "zero width")
    files["png-10x0.png"] = (png(10, 0, 8, 2, raw_rows=b""), "refuse", "zero height")
    files["gif-0x0.gif"] = (gif(0, 0, 0, 0), "refuse", "zero-sized frame")
    files["bmp-0x0.bmp"] = (bmp(0, 0, 24), "refuse", "zero-sized bitmap")
    files["jpeg-0x0.jpg"] = (jpeg_header(0xC0, 0, 0), "refuse", "zero-sized frame (DNL)")
    # --- unusual but valid layouts that must decode ---
    files["png-interlaced-33x17.png"] = (small_rgb_png(33, 17, interlace=1), "decode:33x17", "Adam7 interlaced")
    files["png-rgb16-9x7.png"] = (png(9, 7, 16, 2, raw_rows=b"".join(
        b"\0" + bytes(6 * 9) for _ in range(7))), "decode:9x7", "16-bit RGB, all black")
    files["png-exif-orientation-6-8x4.png"] = (
        small_rgb_png(8, 4, extra=chunk(b"eXIf", tiff_ifd(False, [(0x0112, 3, 1, short(False, 6))]))),
        "decode:4x8", "eXIf orientation 6 turns 8x4 into 4x8")
    # --- hostile metadata the orientation reader must shrug off (the image itself is fine) ---
    looping = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", 0xFFFF)  # IFD0 claims 65535 entries
    files["png-exif-ifd-overrun-8x4.png"] = (
        small_rgb_png(8, 4, extra=chunk(b"eXIf", looping)), "decode:8x4", "eXIf IFD count runs past the chunk")
    bad_offset = b"II" + struct.pack("<HI", 42, 0xFFFFFFF0)
    files["png-exif-bad-offset-8x4.png"] = (
        small_rgb_png(8, 4, extra=chunk(b"eXIf", bad_offset)), "decode:8x4", "eXIf IFD0 offset far outside")
    # a PNG whose eXIf chunk claims 4 GiB: the chunk walk must stop, the reader then fails or copes
    files["png-chunk-length-4g.png"] = (
        small_rgb_png(8, 4)[:33] + struct.pack(">I", 0xFFFFFFF0) + b"eXIf" + b"\0" * 8,
        "refuse", "a chunk length of 4 GiB")
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="matting-api/src/test/resources/hostile")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = ["# file\texpected\twhy"]
    for name, (data, expected, why) in sorted(corpus().items()):
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        manifest.append(f"{name}\t{expected}\t{why}")
    with open(os.path.join(args.out, "MANIFEST.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    print(f"wrote {len(manifest) - 1} files to {args.out}")


if __name__ == "__main__":
    main()
