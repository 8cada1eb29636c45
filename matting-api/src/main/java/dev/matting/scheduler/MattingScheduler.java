package dev.matting.scheduler;

import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
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
     * started on a device; then it never runs, gives back its queue place and counts as cancelled in {@link #stats()}.
     */
    CompletableFuture<ModelOutput> submit(ModelInput input);

    /** As {@link #submit(ModelInput)}, failing with {@link SchedulerTimeoutException} unless done within {@code timeout}. */
    CompletableFuture<ModelOutput> submit(ModelInput input, Duration timeout);

    /**
     * As {@link #submit(ModelInput)}, with {@code label} (a file name, an id) naming the input in every error about
     * it: {@code request #12 for 'portrait.jpg' (384x256 input) ...}. Without a label errors name only the request
     * number and the input's shape.
     */
    CompletableFuture<ModelOutput> submit(ModelInput input, String label);

    /** As {@link #submit(ModelInput, String)} under its own {@code timeout} (positive) instead of the default one. */
    CompletableFuture<ModelOutput> submit(ModelInput input, String label, Duration timeout);

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

    /** Whether {@link #shutdown(Duration)} or {@link #close()} has been called: no new work is taken. */
    boolean isShutdown();

    /** Whether every scheduler thread has stopped, after a shutdown. */
    boolean isTerminated();

    /**
     * {@link #shutdown(Duration) Shuts down} with the {@linkplain SchedulerConfig#drainTimeout() drain timeout}
     * (default 30 s) and waits for the threads to stop, which includes any forward pass still running.
     */
    @Override
    void close();

    /**
     * Collaborators and settings for a {@link MattingScheduler}; {@link #build()} starts its threads. The settings are
     * one {@link SchedulerConfig} (declared, defaulted and validated there); the setters named after a setting are
     * shorthands that change that value. Not thread-safe.
     */
    final class Builder {
        final List<BatchBackend> lanes = new ArrayList<>();
        SchedulerConfig.Builder config = SchedulerConfig.builder();
        MemorySource memorySource = MemorySource.unmeasured();
        Ticker ticker = Ticker.system();
        BatchBackend cpuFallback;
        Executor completionExecutor = ForkJoinPool.commonPool();

        Builder() {
        }

        /** Every setting at once, replacing the ones set so far. */
        public Builder config(SchedulerConfig settings) {
            this.config = Objects.requireNonNull(settings, "settings").toBuilder();
            return this;
        }

        /**
         * Adds one lane per backend (normally one per visible GPU). At least one lane is required. Backends on the same
         * device (each its own copy of the model) make lanes that share it: each plans its batches with an even share
         * of the device's free memory, and they calibrate one at a time.
         */
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

        /** Shorthand for {@link SchedulerConfig.Builder#maxBatchDelay}. */
        public Builder maxDelay(Duration delay) {
            config.maxBatchDelay(delay);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#maxBatchSize}. */
        public Builder maxBatchSize(int size) {
            config.maxBatchSize(size);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#queueCapacity}. */
        public Builder queueCapacity(int capacity) {
            config.queueCapacity(capacity);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#overflow}. */
        public Builder overflow(Overflow overflow) {
            config.overflow(overflow);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#maxInFlightPerLane}. */
        public Builder maxInFlightPerLane(int batches) {
            config.maxInFlightPerLane(batches);
            return this;
        }

        /** Where free device memory is read before each batch (default: unmeasured). */
        public Builder memorySource(MemorySource source) {
            this.memorySource = Objects.requireNonNull(source, "memory source");
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#vramBudget}. */
        public Builder vramBudget(VramBudget budget) {
            config.vramBudget(budget);
            return this;
        }

        /** The time source for batching windows, timeouts and latency (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#drainTimeout}: how long {@link MattingScheduler#close()} drains. */
        public Builder drainTimeout(Duration timeout) {
            config.drainTimeout(timeout);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#requestTimeout}; the timeout of {@link MattingScheduler#submit(ModelInput)}. */
        public Builder requestTimeout(Duration timeout) {
            config.requestTimeout(timeout);
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

    }
}
