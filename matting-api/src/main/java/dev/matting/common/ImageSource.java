package dev.matting.common;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/** One input image, from a file, bytes, a stream or a decoded image, with a name that errors report. */
public final class ImageSource {
    private final String name;
    private final Path path;
    private final byte[] bytes;
    private final BufferedImage image;

    private ImageSource(String name, Path path, byte[] bytes, BufferedImage image) {
        this.name = Objects.requireNonNull(name, "name");
        this.path = path;
        this.bytes = bytes;
        this.image = image;
    }

    /** An image file, named by its path and read only when it is decoded. */
    public static ImageSource of(Path path) {
        Objects.requireNonNull(path, "path");
        return new ImageSource(path.toString(), path, null, null);
    }

    /** Bytes of an encoded image (JPEG, PNG, BMP, GIF, ...); the array is not copied and must not change. */
    public static ImageSource of(String name, byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        return new ImageSource(name, null, encoded, null);
    }

    /** Bytes of an encoded image, named {@code bytes[<length>]}; the array is not copied and must not change. */
    public static ImageSource of(byte[] encoded) {
        return of("bytes[" + encoded.length + "]", encoded);
    }

    /** Reads the stream fully now (the caller closes it), so a later failure still names the input. */
    public static ImageSource of(String name, InputStream in) {
        try {
            return of(name, in.readAllBytes());
        } catch (IOException e) {
            throw new ImageDecodeException(name, "stream could not be read: " + e.getMessage(), e);
        }
    }

    /** An already decoded image; it is not copied, so it must not change until it has been matted. */
    public static ImageSource of(String name, BufferedImage image) {
        Objects.requireNonNull(image, "image");
        return new ImageSource(name, null, null, image);
    }

    /** An already decoded image named {@code image <width>x<height>}; it is not copied and must not change. */
    public static ImageSource of(BufferedImage image) {
        return of("image " + image.getWidth() + "x" + image.getHeight(), image);
    }

    /** What error messages and results call this input. */
    public String name() {
        return name;
    }

    /** The file, when this source is one. */
    public java.util.Optional<Path> path() {
        return java.util.Optional.ofNullable(path);
    }

    /** The already decoded image, when this source is one. */
    public java.util.Optional<BufferedImage> image() {
        return java.util.Optional.ofNullable(image);
    }

    /** The encoded bytes: read from the file, or as given; empty for a decoded image. */
    public java.util.Optional<byte[]> encoded() {
        if (bytes != null) {
            return java.util.Optional.of(bytes);
        }
        if (path != null) {
            try {
                return java.util.Optional.of(java.nio.file.Files.readAllBytes(path));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new ImageDecodeException(name, "no such file");
            } catch (IOException e) {
                throw new ImageDecodeException(name, "file could not be read: " + e, e);
            } catch (UncheckedIOException e) {
                throw new ImageDecodeException(name, "file could not be read: " + e.getCause(), e);
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return name;
    }
}
