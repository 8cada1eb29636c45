package dev.matting.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * The scheduler's settings as one immutable value: how long a micro-batch may wait to fill, how large it may grow,
 * how many requests may queue and what a full queue does, how many batches a lane may hold, how much device memory
 * batches may plan with, the default per-request timeout, and how long a close waits for accepted work. The one place these settings are declared, defaulted
 * and validated: {@link MattingScheduler.Builder} and {@code MatterOptions.Builder} both carry one of these.
 */
public final class SchedulerConfig {
    private static final SchedulerConfig DEFAULTS = new Builder().build();

    private final Duration maxBatchDelay;
    private final int maxBatchSize;
    private final int queueCapacity;
    private final Overflow overflow;
    private final int maxInFlightPerLane;
    private final VramBudget vramBudget;
    private final Duration requestTimeout;
    private final Duration drainTimeout;

    private SchedulerConfig(Builder b) {
        this.maxBatchDelay = b.maxBatchDelay;
        this.maxBatchSize = b.maxBatchSize;
        this.queueCapacity = b.queueCapacity;
        this.overflow = b.overflow;
        this.maxInFlightPerLane = b.maxInFlightPerLane;
        this.vramBudget = b.vramBudget;
        this.requestTimeout = b.requestTimeout;
        this.drainTimeout = b.drainTimeout;
    }

    /** Every setting at its default (see each accessor). */
    public static SchedulerConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this value's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxBatchDelay = maxBatchDelay;
        b.maxBatchSize = maxBatchSize;
        b.queueCapacity = queueCapacity;
        b.overflow = overflow;
        b.maxInFlightPerLane = maxInFlightPerLane;
        b.vramBudget = vramBudget;
        b.requestTimeout = requestTimeout;
        b.drainTimeout = drainTimeout;
        return b;
    }

    /** Longest time the oldest request of a shape waits for its micro-batch to fill (default 5 ms; 0 = never wait). */
    public Duration maxBatchDelay() {
        return maxBatchDelay;
    }

    /** Most images in one forward pass, whatever the memory says (default 8). */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /**
     * How many requests may be in flight before {@link #overflow()} applies (default 256). What counts:
     * <ul>
     * <li>in a {@code Matter}: every request accepted by {@code submit}, {@code matte} or {@code matteAll} whose work has
     * not ended (waiting for a CPU worker, decoding, waiting for or in a forward pass, post-processing). This bounds
     * what the pipeline holds at once: per request its source, its decoded image (3 bytes per source pixel), its model
     * input and its alpha, about 9 MB for a 1080p photo, so 256 of them hold at most about 2.3 GB of heap (lower
     * it for larger photos or a smaller heap);</li>
     * <li>in a standalone {@link MattingScheduler}: requests waiting to be batched (not those already on a lane).</li>
     * </ul>
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** What a submit does when the queue is full (default {@link Overflow#BLOCK}). */
    public Overflow overflow() {
        return overflow;
    }

    /**
     * Batches handed to one lane and not finished (default 1). 2 lets the next batch be assembled while the current
     * one runs, at the price of planning it on an older memory reading.
     */
    public int maxInFlightPerLane() {
        return maxInFlightPerLane;
    }

    /** How much of a device's free memory batches may plan with (default {@link VramBudget#defaults()}). */
    public VramBudget vramBudget() {
        return vramBudget;
    }

    /**
     * Limit on each request from the call to its result (default {@link Duration#ZERO} = none). In a {@code Matter} it
     * runs from the {@code submit} or {@code matte} call (for a {@code matteAll} item, from when the item is admitted)
     * to the completed matte: waiting for room, decode, preprocess, queue, forward pass and post-processing. In a
     * standalone {@link MattingScheduler} it runs from {@code submit} to the alpha.
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How long a close waits for accepted work to finish before failing what is left with
     * {@code SchedulerShutdownException} and freeing the backends (default 30 s; 0 = fail at once what has not
     * finished). A forward pass already running always runs to its end first: the device cannot be interrupted.
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulerConfig c && c.maxBatchDelay.equals(maxBatchDelay) && c.maxBatchSize == maxBatchSize
                && c.queueCapacity == queueCapacity && c.overflow == overflow
                && c.maxInFlightPerLane == maxInFlightPerLane && c.vramBudget.equals(vramBudget)
                && c.requestTimeout.equals(requestTimeout) && c.drainTimeout.equals(drainTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxBatchDelay, maxBatchSize, queueCapacity, overflow, maxInFlightPerLane, vramBudget,
                requestTimeout, drainTimeout);
    }

    @Override
    public String toString() {
        return "SchedulerConfig[maxBatchDelay=" + maxBatchDelay + ", maxBatchSize=" + maxBatchSize + ", queueCapacity="
                + queueCapacity + ", overflow=" + overflow + ", maxInFlightPerLane=" + maxInFlightPerLane + ", "
                + vramBudget + ", requestTimeout=" + requestTimeout + ", drainTimeout=" + drainTimeout + "]";
    }

    /** Collects settings; each setter validates at once and names the bad value. Not thread-safe. */
    public static final class Builder {
        private Duration maxBatchDelay = Duration.ofMillis(5);
        private int maxBatchSize = 8;
        private int queueCapacity = 256;
        private Overflow overflow = Overflow.BLOCK;
        private int maxInFlightPerLane = 1;
        private VramBudget vramBudget = VramBudget.defaults();
        private Duration requestTimeout = Duration.ZERO;
        private Duration drainTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** See {@link SchedulerConfig#maxBatchDelay()}. */
        public Builder maxBatchDelay(Duration delay) {
            this.maxBatchDelay = nonNegative(delay, "maxBatchDelay");
            return this;
        }

        /** See {@link SchedulerConfig#maxBatchSize()}. */
        public Builder maxBatchSize(int size) {
            this.maxBatchSize = atLeastOne(size, "maxBatchSize");
            return this;
        }

        /** See {@link SchedulerConfig#queueCapacity()}. */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = atLeastOne(capacity, "queueCapacity");
            return this;
        }

        /** See {@link SchedulerConfig#overflow()}. */
        public Builder overflow(Overflow value) {
            this.overflow = Objects.requireNonNull(value, "overflow");
            return this;
        }

        /** See {@link SchedulerConfig#maxInFlightPerLane()}. */
        public Builder maxInFlightPerLane(int batches) {
            this.maxInFlightPerLane = atLeastOne(batches, "maxInFlightPerLane");
            return this;
        }

        /** See {@link SchedulerConfig#vramBudget()}. */
        public Builder vramBudget(VramBudget budget) {
            this.vramBudget = Objects.requireNonNull(budget, "vramBudget");
            return this;
        }

        /**
         * Plans as if every device had only {@code bytes} in total (e.g. 24 GiB to behave like the original report's
         * A10G on an 80 GiB H100): shorthand for {@code vramBudget(vramBudget().withCapBytes(bytes))}.
         */
        public Builder memoryCapBytes(long bytes) {
            return vramBudget(vramBudget.withCapBytes(bytes));
        }

        /** See {@link SchedulerConfig#requestTimeout()}. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = nonNegative(timeout, "requestTimeout");
            return this;
        }

        /** See {@link SchedulerConfig#drainTimeout()}. */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = nonNegative(timeout, "drainTimeout");
            return this;
        }

        /** The immutable settings. */
        public SchedulerConfig build() {
            return new SchedulerConfig(this);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must be >= 0, got " + d);
            }
            return d;
        }

        private static int atLeastOne(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + n);
            }
            return n;
        }
    }
}
