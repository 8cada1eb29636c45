package dev.matting.image;

import dev.matting.api.ImageSource;

/** Decodes any supported input to 8-bit RGB with EXIF orientation applied (TODO: helper A implements). */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /** @throws dev.matting.api.ImageDecodeException naming the source when it cannot be read */
    public static RgbImage decode(ImageSource source) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
