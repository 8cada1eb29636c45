package dev.matting.image;

import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * What decoding one image will cost in memory, worked out from its header alone (the reader has read no pixel yet):
 * the raster the reader allocates, per its first image type (the one {@link ImageReader#read(int)} uses: bit depth,
 * channels, palette or packed bits), plus a progressive JPEG's coefficient buffers (two bytes per coefficient and
 * component, held by libjpeg in native memory for the whole image), plus the SDK's 8-bit RGB copy and, for an EXIF
 * orientation other than 1, the rotated copy.
 *
 * @param width        declared width
 * @param height       declared height
 * @param bitsPerPixel bits per pixel of the raster the reader allocates
 * @param rasterBytes  bytes of that raster (rows padded to whole bytes)
 * @param nativeBytes  bytes the decoder holds outside the heap (progressive JPEG coefficients), else 0
 * @param peakBytes    the most memory alive at once over the whole decode
 * @param jpegScans    scans of a JPEG (a progressive one is converted in full after each), else 0
 */
record DecodeCost(int width, int height, int bitsPerPixel, long rasterBytes, long nativeBytes, long peakBytes,
        int jpegScans) {

    /** The cost of decoding the reader's image 0, whose input is {@code bytes}, with the given EXIF orientation. */
    static DecodeCost of(ImageReader reader, int width, int height, byte[] bytes, int orientation) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext()) {
            throw new IOException("the " + reader.getFormatName() + " reader offers no image type for this header");
        }
        int bits = bitsPerPixel(types.next().getSampleModel());
        int progressive = progressiveComponents(bytes);
        DecodeCost cost = of(width, height, bits, progressive, orientation);
        // Only a progressive frame's scans cost a full conversion each; a sequential frame codes each component once
        // (at most four scans), so its entropy data is not walked: that walk reads every byte and showed in profiles.
        return progressive > 0 ? cost.withJpegScans(jpegScans(bytes)) : cost;
    }

    /** The cost for a raster of {@code bitsPerPixel}, {@code jpegComponents} progressive components (0: none). */
    static DecodeCost of(int width, int height, int bitsPerPixel, int jpegComponents, int orientation) {
        long w = width;
        long h = height;
        long raster = (w * bitsPerPixel + 7) / 8 * h;
        long coefficients = jpegComponents * 2L * w * h;
        long rgb = 3 * w * h;
        long rotated = orientation > 1 ? rgb : 0;
        // The raster and coefficients die once the RGB copy exists; the rotated copy is made from the RGB copy.
        long peak = rgb + Math.max(raster + coefficients, rotated);
        return new DecodeCost(width, height, bitsPerPixel, raster, coefficients, peak, 0);
    }

    private DecodeCost withJpegScans(int scans) {
        return new DecodeCost(width, height, bitsPerPixel, rasterBytes, nativeBytes, peakBytes, scans);
    }

    /** Bits per pixel of a raster with this layout: components times their storage size, or the packed stride. */
    static int bitsPerPixel(SampleModel sm) {
        int storage = DataBuffer.getDataTypeSize(sm.getDataType());
        if (sm instanceof MultiPixelPackedSampleModel mp) {
            return mp.getPixelBitStride();
        }
        if (sm instanceof SinglePixelPackedSampleModel) {
            return storage;
        }
        if (sm instanceof ComponentSampleModel cs) {
            // interleaved: the pixel stride covers every band; banded: one element per band
            return Math.max(cs.getPixelStride(), cs.getNumBands()) * storage;
        }
        int sum = 0;
        for (int b = 0; b < sm.getNumBands(); b++) {
            sum += Math.max(storage, sm.getSampleSize(b));
        }
        return sum;
    }

    /** Components of a progressive JPEG frame (SOF2, SOF6, SOF10, SOF14), or 0 for anything else. */
    static int progressiveComponents(byte[] bytes) {
        int[] found = {0};
        JpegSegments.walk(bytes, (marker, start, end) -> {
            if (!isFrameHeader(marker)) {
                return true;
            }
            boolean progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce;
            // payload: precision (1), height (2), width (2), component count (1)
            if (progressive && end - start >= 6) {
                found[0] = Math.max(1, bytes[start + 5] & 0xff);
            }
            return false;
        });
        return found[0];
    }

    /** How many scans (SOS segments) a JPEG holds; 0 for anything else. */
    static int jpegScans(byte[] bytes) {
        int[] scans = {0};
        JpegSegments.walk(bytes, (marker, start, end) -> {
            if (marker == JpegSegments.SOS) {
                scans[0]++;
            }
            return true;
        }, true);
        return scans[0];
    }

    private static boolean isFrameHeader(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    /** A reader's words for what is needed, e.g. "10000x10000 at 64 bits per pixel needs 1,100,000,000 bytes". */
    String describe() {
        return String.format(Locale.ROOT, "%dx%d at %d bits per pixel needs %,d bytes to decode (raster %,d%s, "
                + "8-bit RGB copy %,d)", width, height, bitsPerPixel, peakBytes, rasterBytes,
                nativeBytes > 0 ? String.format(Locale.ROOT, ", progressive JPEG coefficients %,d", nativeBytes) : "",
                3L * width * height);
    }
}
