package dev.matting.api;

import dev.matting.postprocess.Background;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import java.util.Objects;
import java.util.Optional;

/**
 * Options for one call or one batch job, on top of the {@link Matter}'s own: post-processing (a preset or explicit
 * threshold / erosion / feather), the background, and the {@link Output} — all without reloading the model.
 * Anything not set here falls back to what the {@link Matter} was built with ({@link MatterOptions#postProcess()});
 * the output falls back to {@link Output#png()}. Immutable.
 *
 * <pre>{@code
 * Matte id = matter.matte(source, MatteOptions.builder().preset(Preset.ID_PHOTO)
 *         .background(Background.solid(Color.WHITE)).output(Output.jpeg()).build());
 * id.write(Path.of("id.jpg"));
 * }</pre>
 */
public final class MatteOptions {
    private static final MatteOptions DEFAULTS = builder().build();

    private final PostProcess postProcess;
    private final Background background;
    private final Output output;

    private MatteOptions(Builder b) {
        this.postProcess = b.postProcess;
        this.background = b.background;
        this.output = b.output;
    }

    /** Nothing overridden: the Matter's post-processing, PNG output. */
    public static MatteOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with nothing overridden. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shorthand for a builder with just this output. */
    public static MatteOptions of(Output output) {
        return builder().output(output).build();
    }

    /** Shorthand for a builder with just this preset. */
    public static MatteOptions of(Preset preset) {
        return builder().preset(preset).build();
    }

    /** The post-processing asked for, or empty for the Matter's. */
    public Optional<PostProcess> postProcess() {
        return Optional.ofNullable(postProcess);
    }

    /** The background asked for, or empty for the one of the post-processing in force. */
    public Optional<Background> background() {
        return Optional.ofNullable(background);
    }

    /** What the matte is written as (default {@link Output#png()}). */
    public Output output() {
        return output;
    }

    /**
     * The post-processing a call runs: this one's (or {@code matterDefault} when none was set), with this one's
     * background when one was set.
     */
    public PostProcess resolve(PostProcess matterDefault) {
        PostProcess p = postProcess != null ? postProcess : Objects.requireNonNull(matterDefault, "matterDefault");
        return background == null || background.equals(p.background()) ? p : p.toBuilder().background(background).build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.postProcess = postProcess;
        b.background = background;
        b.output = output;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatteOptions m && Objects.equals(m.postProcess, postProcess)
                && Objects.equals(m.background, background) && m.output.equals(output);
    }

    @Override
    public int hashCode() {
        return Objects.hash(postProcess, background, output);
    }

    @Override
    public String toString() {
        return "MatteOptions[postProcess=" + (postProcess == null ? "matter's" : postProcess) + ", background="
                + (background == null ? "post-processing's" : background) + ", output=" + output + "]";
    }

    /** Collects per-call options; each setter replaces what was set before. */
    public static final class Builder {
        private PostProcess postProcess;
        private Background background;
        private Output output = Output.png();

        private Builder() {
        }

        /** Post-processing for these calls instead of the Matter's. */
        public Builder postProcess(PostProcess value) {
            this.postProcess = Objects.requireNonNull(value, "postProcess");
            return this;
        }

        /** One of the four scenarios' post-processing instead of the Matter's. */
        public Builder preset(Preset value) {
            return postProcess(Objects.requireNonNull(value, "preset").postProcess());
        }

        /** The background behind the cut-out, whatever the post-processing says. */
        public Builder background(Background value) {
            this.background = Objects.requireNonNull(value, "background");
            return this;
        }

        /** What the matte is written as (default {@link Output#png()}). */
        public Builder output(Output value) {
            this.output = Objects.requireNonNull(value, "output");
            return this;
        }

        /** The options as set so far. */
        public MatteOptions build() {
            return new MatteOptions(this);
        }
    }
}
