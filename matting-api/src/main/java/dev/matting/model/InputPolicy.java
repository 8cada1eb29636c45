package dev.matting.model;

/** How a source image is sized for the model: a fixed square, or the longest side scaled to N and padded to a multiple of M. */
public sealed interface InputPolicy permits InputPolicy.FixedSquare, InputPolicy.LongestSide {

    /** Stretch-free: the image is scaled to fit {@code size x size} keeping its aspect ratio, then padded to the square. */
    record FixedSquare(int size) implements InputPolicy {
        public FixedSquare {
            if (size < 1) {
                throw new IllegalArgumentException("fixed-square size must be positive, got " + size);
            }
        }
    }

    /** The longest side becomes {@code size}; each side is then padded up to a multiple of {@code multiple}. */
    record LongestSide(int size, int multiple) implements InputPolicy {
        public LongestSide {
            if (size < 1 || multiple < 1) {
                throw new IllegalArgumentException("longest-side needs size and multiple >= 1, got " + size + ", " + multiple);
            }
        }
    }
}
