package dev.matting.scheduler;

import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The asynchronous front door to the forward pass: takes preprocessed {@link ModelInput}s, groups them by shape into
 * micro-batches sized from measured device memory, runs each batch on the least-loaded lane (one thread per
 * {@link BatchBackend}) and completes each request's future with that image's raw alpha plane. Out-of-memory errors
 * are recovered by releasing cached memory, halving the batch and, for one image, a CPU fallback lane. Thread-safe.
 *
 * <p>The scheduler does only device work: decode, preprocess, post-process and encode belong on the caller's CPU pool.
 * Futures complete on the {@linkplain Builder#completionExecutor completion executor}, never holding up a lane.
 *
 * <p>It does not close the backends it was given: close them after {@link #awaitTermination} returns {@code true}.
 */
public interface MattingScheduler extends AutoCloseable {

    /** A builder with the defaults listed on its setters. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Queues one image under the builder's {@linkplain Builder#requestTimeout request timeout}. The future fails with
     * {@link SchedulerRejectedException} when the queue is full under {@link Overflow#REJECT} or after shutdown;
     * under {@link Overflow#BLOCK} this call waits for space. {@code cancel} succeeds only while the request has not
     * started on a device, and then it never runs.
     */
    CompletableFuture<float[]> submit(ModelInput input);

    /** As {@link #submit(ModelInput)}, failing with {@link SchedulerTimeoutException} unless done within {@code timeout}. */
    CompletableFuture<float[]> submit(ModelInput input, Duration timeout);

    /**
     * Measures, on every lane, the device bytes one more image of {@code sample}'s shape costs (a warm-up). Lanes do
     * this lazily the first time they see a shape; call it ahead of traffic to keep that out of request latency.
     */
    CompletableFuture<Void> calibrate(ModelInput sample);

    /** A snapshot of the counters. */
    SchedulerStats stats();

    /**
     * Stops taking new work and runs what is queued without waiting for batches to fill; requests still unfinished
     * when {@code drainTimeout} runs out fail with {@link SchedulerShutdownException}. Returns at once.
     */
    void shutdown(Duration drainTimeout);

    /** Waits until every scheduler thread has stopped; {@code false} if {@code timeout} ran out first. */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    boolean isShutdown();

    boolean isTerminated();

    /** {@link #shutdown(Duration) Shuts down} with a 30 second drain and waits for the threads to stop. */
    @Override
    void close();

    /** Options for a {@link MattingScheduler}; {@link #build()} starts its threads. Not thread-safe. */
    final class Builder {
        final List<BatchBackend> lanes = new ArrayList<>();
        Duration maxDelay = Duration.ofMillis(5);
        int maxBatchSize = 8;
        int queueCapacity = 1024;
        Overflow overflow = Overflow.BLOCK;
        int maxInFlightPerLane = 1;
        MemorySource memorySource = MemorySource.unmeasured();
        VramBudget vramBudget = VramBudget.defaults();
        ImageCost imageCost = ImageCost.unknown();
        Ticker ticker = Ticker.system();
        Duration requestTimeout = Duration.ZERO;
        BatchBackend cpuFallback;
        Executor completionExecutor = ForkJoinPool.commonPool();

        Builder() {
        }

        /** Adds one lane per backend (normally one per visible GPU). At least one lane is required. */
        public Builder lane(BatchBackend... backends) {
            for (BatchBackend b : backends) {
                lanes.add(Objects.requireNonNull(b, "backend"));
            }
            return this;
        }

        /** Adds one lane per backend in the list. */
        public Builder lanes(List<? extends BatchBackend> backends) {
            return lane(backends.toArray(BatchBackend[]::new));
        }

        /** Longest time the oldest request of a shape waits for its batch to fill (default 5 ms; 0 = never wait). */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = nonNegative(delay, "max delay");
            return this;
        }

        /** Upper bound on a batch whatever the memory says (default 8). */
        public Builder maxBatchSize(int size) {
            this.maxBatchSize = atLeastOne(size, "max batch size");
            return this;
        }

        /** Requests that may wait to be batched before {@link #overflow} applies (default 1024). */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = atLeastOne(capacity, "queue capacity");
            return this;
        }

        /** What a submit does on a full queue (default {@link Overflow#BLOCK}). */
        public Builder overflow(Overflow overflow) {
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        /**
         * Batches handed to a lane and not finished (default 1). A lane runs one batch at a time; 2 lets the next batch
         * be assembled while the current one runs, at the price of planning it on older memory readings.
         */
        public Builder maxInFlightPerLane(int batches) {
            this.maxInFlightPerLane = atLeastOne(batches, "max in-flight batches per lane");
            return this;
        }

        /** Where free device memory is read before each batch (default: unmeasured). */
        public Builder memorySource(MemorySource source) {
            this.memorySource = Objects.requireNonNull(source, "memory source");
            return this;
        }

        /** How much of the free memory batches may plan with (default {@link VramBudget#defaults()}). */
        public Builder vramBudget(VramBudget budget) {
            this.vramBudget = Objects.requireNonNull(budget, "vram budget");
            return this;
        }

        /** The model's per-image memory estimate, used where memory cannot be measured (default: none). */
        public Builder imageCost(ImageCost cost) {
            this.imageCost = Objects.requireNonNull(cost, "image cost");
            return this;
        }

        /** The time source for batching windows, timeouts and latency (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Timeout for {@link MattingScheduler#submit(ModelInput)}, counted from submit (default 0 = none). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = nonNegative(timeout, "request timeout");
            return this;
        }

        /** A backend, normally on the CPU, for single images that do not fit on their device (default: none). */
        public Builder cpuFallback(BatchBackend backend) {
            this.cpuFallback = Objects.requireNonNull(backend, "cpu fallback");
            return this;
        }

        /**
         * Where futures are completed, and so where non-async continuations run (default: the common pool). Pass
         * {@code Runnable::run} to complete on the lane thread only when every continuation is {@code *Async}: a
         * continuation run there holds up the device, and one that blocks on this scheduler deadlocks it.
         */
        public Builder completionExecutor(Executor executor) {
            this.completionExecutor = Objects.requireNonNull(executor, "completion executor");
            return this;
        }

        /** Starts the dispatcher and lane threads ({@code matting-dispatcher}, {@code matting-lane-0}, ...). */
        public MattingScheduler build() {
            if (lanes.isEmpty()) {
                throw new IllegalStateException("a scheduler needs at least one lane (builder.lane(backend))");
            }
            Set<BatchBackend> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (BatchBackend b : lanes) {
                if (!seen.add(b)) {
                    throw new IllegalStateException("backend " + b + " is given twice; a backend is not thread-safe"
                            + " and may serve one lane only");
                }
            }
            if (cpuFallback != null && seen.contains(cpuFallback)) {
                throw new IllegalStateException("the CPU fallback backend must not also be a lane");
            }
            return new DefaultMattingScheduler(this);
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
