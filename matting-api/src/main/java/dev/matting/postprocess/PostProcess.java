package dev.matting.postprocess;

import java.util.Objects;

/**
 * Alpha clean-up with the parameters users of the original tool know: threshold, edge erosion, feathering and the
 * background for rendered output. Immutable; build with {@link #builder()} or start from a {@link Preset}.
 * Steps run in that order: threshold drops faint haze, erosion pulls the edge in, feathering softens it again.
 */
public final class PostProcess {
    /** No clean-up: the model's alpha as it is, transparent background. */
    public static final PostProcess NONE = builder().build();

    private final int alphaThreshold;
    private final int erosionRadius;
    private final boolean feather;
    private final int featherRadius;
    private final Background background;

    private PostProcess(Builder b) {
        this.alphaThreshold = b.alphaThreshold;
        this.erosionRadius = b.erosionRadius;
        this.feather = b.feather;
        this.featherRadius = b.featherRadius;
        this.background = b.background;
    }

    /** A builder with nothing on: threshold 0, no erosion, feathering off (radius 2 px), transparent background. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this one's values. */
    public Builder toBuilder() {
        return new Builder().alphaThreshold(alphaThreshold).erosionRadius(erosionRadius).feather(feather)
                .featherRadius(featherRadius).background(background);
    }

    /** Alpha values below this (0-255) become 0. */
    public int alphaThreshold() {
        return alphaThreshold;
    }

    /** Pixels by which the foreground edge is eroded (0 = none). */
    public int erosionRadius() {
        return erosionRadius;
    }

    /** Whether the edge is softened by a blur of {@link #featherRadius()} pixels after threshold and erosion. */
    public boolean feather() {
        return feather;
    }

    /** Blur radius in pixels used when {@link #feather()} is on. */
    public int featherRadius() {
        return featherRadius;
    }

    /** What shows behind the cut-out in rendered output; transparent unless set. */
    public Background background() {
        return background;
    }

    /** True when {@link #apply} would return its input unchanged. */
    public boolean isIdentity() {
        return alphaThreshold == 0 && erosionRadius == 0 && !(feather && featherRadius > 0);
    }

    /** Returns a cleaned copy of an 8-bit alpha plane ({@code width x height}, row-major); the input is not changed. */
    public byte[] apply(byte[] alpha, int width, int height) {
        if (alpha.length != width * height) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, not " + width + "x" + height);
        }
        byte[] out = alpha.clone();
        if (alphaThreshold > 0) {
            AlphaThreshold.apply(out, alphaThreshold);
        }
        if (erosionRadius > 0) {
            out = Erosion.apply(out, width, height, erosionRadius);
        }
        if (feather && featherRadius > 0) {
            out = Feather.apply(out, width, height, featherRadius);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostProcess p && p.alphaThreshold == alphaThreshold && p.erosionRadius == erosionRadius
                && p.feather == feather && p.featherRadius == featherRadius && p.background.equals(background);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alphaThreshold, erosionRadius, feather, featherRadius, background);
    }

    @Override
    public String toString() {
        return "PostProcess[threshold=" + alphaThreshold + ", erosion=" + erosionRadius + ", feather="
                + (feather ? featherRadius + "px" : "off") + ", background=" + background + "]";
    }

    /** Collects post-processing settings; every setter validates at once and names the bad value. */
    public static final class Builder {
        private int alphaThreshold;
        private int erosionRadius;
        private boolean feather;
        private int featherRadius = 2;
        private Background background = Background.transparent();

        private Builder() {
        }

        /**
         * Alpha values below this (0-255) become 0, dropping faint haze; 0 (the default) keeps them.
         *
         * @throws IllegalArgumentException when {@code value} is outside 0..255
         */
        public Builder alphaThreshold(int value) {
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException("alphaThreshold must be 0-255, got " + value);
            }
            this.alphaThreshold = value;
            return this;
        }

        /**
         * Pixels (0-64) by which the foreground edge is pulled in; 0 (the default) leaves it.
         *
         * @throws IllegalArgumentException when {@code pixels} is outside 0..64
         */
        public Builder erosionRadius(int pixels) {
            if (pixels < 0 || pixels > 64) {
                throw new IllegalArgumentException("erosionRadius must be 0-64 px, got " + pixels);
            }
            this.erosionRadius = pixels;
            return this;
        }

        /** Whether to soften the edge with a blur of {@link #featherRadius(int)} pixels (default off). */
        public Builder feather(boolean on) {
            this.feather = on;
            return this;
        }

        /**
         * Blur radius in pixels (0-64, default 2) used when feathering is on; 0 makes feathering a no-op.
         *
         * @throws IllegalArgumentException when {@code pixels} is outside 0..64
         */
        public Builder featherRadius(int pixels) {
            if (pixels < 0 || pixels > 64) {
                throw new IllegalArgumentException("featherRadius must be 0-64 px, got " + pixels);
            }
            this.featherRadius = pixels;
            return this;
        }

        /** What shows behind the cut-out in rendered output (default {@link Background#transparent()}). */
        public Builder background(Background value) {
            this.background = Objects.requireNonNull(value, "background");
            return this;
        }

        /** The post-processing collected so far. */
        public PostProcess build() {
            return new PostProcess(this);
        }
    }
}
