package dev.matting.model;

/**
 * How a source image is sized for the model: the size it is resampled to ({@link #scale}) and the size of the
 * tensor after padding ({@link #pad}). Padding, where a policy has it, replicates the edge at the right and bottom
 * and is cut off the alpha before it goes back to the source size.
 *
 * <p>Every side a policy names, and every padded side it can produce, is at most {@link #MAX_SIDE}: a model input
 * then has at most {@code 3 x 16384 x 16384} elements, which no index or allocation size overflows.
 */
public sealed interface InputPolicy
        permits InputPolicy.FixedSquare, InputPolicy.LongestSide, InputPolicy.Stretch, InputPolicy.ShortSide {

    /** The largest side, in pixels, of any model input. */
    int MAX_SIDE = 16384;

    /**
     * A width and height in pixels.
     *
     * @param width  in pixels
     * @param height in pixels
     */
    record Size(int width, int height) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /**
     * The size the source is resampled to.
     *
     * @throws IllegalArgumentException when a source side is below 1, or the result would exceed {@link #MAX_SIDE}
     */
    Size scale(int sourceWidth, int sourceHeight);

    /** The size of the model input once {@code scaled} is padded; equal to it for policies without padding. */
    Size pad(Size scaled);

    /**
     * Letterbox: the longest side becomes {@code size}, the other keeps the aspect ratio (rounded, at least 1), and
     * both are padded to {@code size x size}.
     *
     * @param size the side of the square model input, 1 to {@link InputPolicy#MAX_SIDE}
     */
    record FixedSquare(int size) implements InputPolicy {
        /**
         * Checks the size.
         *
         * @throws IllegalArgumentException when {@code size} is not 1 to {@link InputPolicy#MAX_SIDE}
         */
        public FixedSquare {
            checkSide("fixed-square size", size);
        }

        @Override
        public Size scale(int sourceWidth, int sourceHeight) {
            return longestTo(sourceWidth, sourceHeight, size);
        }

        @Override
        public Size pad(Size scaled) {
            return new Size(size, size);
        }
    }

    /**
     * The longest side becomes {@code size}, the other keeps the aspect ratio (rounded, at least 1); each side is then
     * padded up to a multiple of {@code multiple}.
     *
     * @param size     the longest side after resampling, 1 to {@link InputPolicy#MAX_SIDE}
     * @param multiple what each side is padded up to a multiple of; {@code size} so padded is at most
     *                 {@link InputPolicy#MAX_SIDE}
     */
    record LongestSide(int size, int multiple) implements InputPolicy {
        /**
         * Checks size and multiple.
         *
         * @throws IllegalArgumentException when either is not 1 to {@link InputPolicy#MAX_SIDE}, or {@code size} padded
         *     to a multiple of {@code multiple} exceeds {@link InputPolicy#MAX_SIDE}
         */
        public LongestSide {
            checkSide("longest-side size", size);
            checkSide("longest-side multiple", multiple);
            if (roundUp(size, multiple) > MAX_SIDE) {
                throw new IllegalArgumentException("longest-side size " + size + " padded to a multiple of " + multiple
                        + " is " + roundUp(size, multiple) + ", more than " + MAX_SIDE);
            }
        }

        @Override
        public Size scale(int sourceWidth, int sourceHeight) {
            return longestTo(sourceWidth, sourceHeight, size);
        }

        @Override
        public Size pad(Size scaled) {
            return new Size((int) roundUp(scaled.width(), multiple), (int) roundUp(scaled.height(), multiple));
        }
    }

    /**
     * Resize to exactly {@code width x height}, ignoring the aspect ratio, no padding: what rembg (U²-Net, ISNet,
     * BiRefNet) and imgly do.
     *
     * @param width  the model input's width, 1 to {@link InputPolicy#MAX_SIDE}
     * @param height the model input's height, 1 to {@link InputPolicy#MAX_SIDE}
     */
    record Stretch(int width, int height) implements InputPolicy {
        /**
         * Checks the size.
         *
         * @throws IllegalArgumentException when a side is not 1 to {@link InputPolicy#MAX_SIDE}
         */
        public Stretch {
            checkSide("stretch width", width);
            checkSide("stretch height", height);
        }

        @Override
        public Size scale(int sourceWidth, int sourceHeight) {
            checkSource(sourceWidth, sourceHeight);
            return new Size(width, height);
        }

        @Override
        public Size pad(Size scaled) {
            return scaled;
        }
    }

    /**
     * MODNet's rule ({@code get_scale_factor} in its {@code onnx/inference_onnx.py}), no padding: an image whose
     * sides straddle {@code size} (shorter &lt;= size &lt;= longer) keeps its size; otherwise the short side becomes
     * {@code size} and the long side {@code int(long / short * size)}. Each side is then floored to a multiple of
     * {@code multiple}, and kept at least {@code multiple} (MODNet itself would hand its network a zero-sized side
     * there).
     *
     * @param size     the short side after resampling, 1 to {@link InputPolicy#MAX_SIDE}
     * @param multiple what each side is floored to a multiple of, 1 to {@code size}
     */
    record ShortSide(int size, int multiple) implements InputPolicy {
        /**
         * Checks size and multiple.
         *
         * @throws IllegalArgumentException when {@code size} is not 1 to {@link InputPolicy#MAX_SIDE}, or
         *     {@code multiple} not 1 to {@code size}
         */
        public ShortSide {
            checkSide("short-side size", size);
            if (multiple < 1 || multiple > size) {
                throw new IllegalArgumentException("short-side multiple must be 1.." + size + " (the size), got "
                        + multiple);
            }
        }

        @Override
        public Size scale(int sourceWidth, int sourceHeight) {
            checkSource(sourceWidth, sourceHeight);
            int w = sourceWidth;
            int h = sourceHeight;
            long rw;
            long rh;
            if (Math.max(h, w) < size || Math.min(h, w) > size) {
                // as Python computes it: a float division, times the size, truncated
                if (w >= h) {
                    rh = size;
                    rw = (long) ((double) w / h * size);
                } else {
                    rw = size;
                    rh = (long) ((double) h / w * size);
                }
            } else {
                rh = h;
                rw = w;
            }
            rw = Math.max(multiple, rw - rw % multiple);
            rh = Math.max(multiple, rh - rh % multiple);
            if (rw > MAX_SIDE || rh > MAX_SIDE) {
                throw new IllegalArgumentException("short-side " + size + " makes a " + sourceWidth + "x" + sourceHeight
                        + " image a " + rw + "x" + rh + " model input, more than " + MAX_SIDE + " per side");
            }
            return new Size((int) rw, (int) rh);
        }

        @Override
        public Size pad(Size scaled) {
            return scaled;
        }
    }

    private static void checkSide(String what, int v) {
        if (v < 1 || v > MAX_SIDE) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_SIDE + ", got " + v);
        }
    }

    private static void checkSource(int w, int h) {
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("source must be at least 1x1, got " + w + "x" + h);
        }
    }

    private static Size longestTo(int w, int h, int size) {
        checkSource(w, h);
        return w >= h ? new Size(size, scaleSide(h, size, w)) : new Size(scaleSide(w, size, h), size);
    }

    /** {@code round(side * size / longest)}, at least 1; integer arithmetic so large sizes cannot drift. */
    private static int scaleSide(int side, int size, int longest) {
        long v = (2L * side * size + longest) / (2L * longest);
        return (int) Math.max(1, v);
    }

    private static long roundUp(long v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
