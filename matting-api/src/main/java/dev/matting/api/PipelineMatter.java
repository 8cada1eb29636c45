package dev.matting.api;

import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.InferenceException;
import dev.matting.common.MattingException;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.model.ModelSpec;
import dev.matting.pipeline.MattingPipeline;
import dev.matting.pipeline.Prepared;
import dev.matting.postprocess.PostProcess;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.scheduler.Overflow;
import dev.matting.scheduler.SchedulerConfig;
import dev.matting.scheduler.SchedulerStats;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Matter} behind {@link dev.matting.api.Matters}: decode and preprocess on a CPU pool sized to the cores,
 * forward passes through the {@link MattingScheduler} (micro-batches sized from free device memory, OOM recovery),
 * then post-process on the CPU pool again, so CPU and device work overlap. No task ever blocks a pool thread on
 * another task, and a failing input fails alone.
 *
 * <p>It keeps the contracts {@link Matter} states end to end: at most {@code queueCapacity} requests in flight
 * ({@link Admission}), each bounded by {@code requestTimeout} from the call to its result and cancellable, with no
 * stage started for a request that has already ended ({@link MatteCall}), and a close that drains accepted work
 * within {@code drainTimeout} before the backends go.
 */
public final class PipelineMatter implements Matter {
    /** Marks the threads a Matter owns, so that it never waits on itself (a submit under BLOCK, a close). */
    private static final ThreadLocal<PipelineMatter> OWN_THREAD = new ThreadLocal<>();

    private final String backendName;
    private final ModelSpec spec;
    private final BatchBackend primary;
    /** Whether the lanes run the image stages on their device: then the CPU only decodes, post-processes, encodes. */
    private final boolean onDevice;
    private final MattingScheduler scheduler;
    private final MattingPipeline pipeline;
    private final ExecutorService cpu;
    private final ScheduledThreadPoolExecutor timers;
    private final List<AutoCloseable> owned;
    private final Admission admission;
    private final RequestCounts counts = new RequestCounts();
    private final Overflow overflow;
    private final long timeoutNanos;
    private final Duration drainTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Every thread this Matter started, so that close can see them all gone. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /**
     * @param scheduler the scheduler its forward passes go through; its queue must hold at least
     *                  {@code options.scheduling().queueCapacity()} requests (the Matter never has more in flight)
     * @param owned     closed in order by {@link #close()} after the drain (the scheduler first, so that it stops
     *                  before the backends go)
     */
    public PipelineMatter(String backendName, ModelSpec spec, BatchBackend primary, MattingScheduler scheduler,
            MatterOptions options, List<AutoCloseable> owned) {
        this.backendName = backendName;
        this.spec = spec;
        this.primary = primary;
        this.onDevice = primary.preparesOnDevice();
        this.scheduler = scheduler;
        this.pipeline = new MattingPipeline(spec, options.postProcess(), options.decodeLimits());
        this.owned = List.copyOf(owned);
        SchedulerConfig config = options.scheduling();
        this.admission = new Admission(config.queueCapacity());
        this.overflow = config.overflow();
        this.timeoutNanos = config.requestTimeout().toNanos();
        this.drainTimeout = config.drainTimeout();
        this.cpu = Executors.newFixedThreadPool(options.cpuThreads(), ownThreads("matting-cpu-"));
        this.timers = new ScheduledThreadPoolExecutor(1, ownThreads("matting-timer-"));
        timers.setRemoveOnCancelPolicy(true); // a request that ends in time takes its timer (and its image) with it
    }

    private ThreadFactory ownThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                OWN_THREAD.set(this);
                r.run();
            }, prefix + n.getAndIncrement());
            t.setDaemon(true);
            threads.add(t);
            return t;
        };
    }

    @Override
    public Matte matte(ImageSource source) {
        return await(submit(source), source);
    }

    @Override
    public Matte matte(ImageSource source, MatteOptions options) {
        return await(submit(source, options), source);
    }

    @Override
    public List<MatteResult> matteAll(List<ImageSource> sources) {
        Objects.requireNonNull(sources, "sources");
        if (closed.get()) {
            throw new SchedulerRejectedException("matteAll of " + sources.size() + " inputs rejected: this Matter is"
                    + " closed");
        }
        // Paced: each item waits for room (whatever the overflow policy), so a long list never rejects its own items
        // and holds at most queueCapacity decoded images at once; items reach the scheduler as they are decoded and
        // the scheduler's batching window groups those of one shape.
        List<CompletableFuture<Matte>> mattes = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            ImageSource s = sources.get(i);
            mattes.add(s == null ? CompletableFuture.failedFuture(new ImageDecodeException("sources[" + i + "]",
                    "the list holds null at index " + i + ", not an image source")) : start(s, true, MatteOptions.defaults()));
        }
        List<MatteResult> results = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            ImageSource s = sources.get(i);
            try {
                results.add(MatteResult.success(s, await(mattes.get(i), s)));
            } catch (MattingException e) {
                results.add(MatteResult.failure(s, e));
            }
        }
        return List.copyOf(results);
    }

    @Override
    public CompletableFuture<Matte> submit(ImageSource source) {
        return submit(source, MatteOptions.defaults());
    }

    @Override
    public CompletableFuture<Matte> submit(ImageSource source, MatteOptions options) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(options, "options");
        return start(source, false, options);
    }

    /**
     * Admits and launches one request. {@code paced}: wait for room whatever the overflow policy and start the clock
     * at admission (a {@code matteAll} item); else BLOCK waits for room within the request's own timeout, REJECT does
     * not wait, and a thread of this Matter never waits (it would wait on itself).
     */
    private MatteCall start(ImageSource source, boolean paced, MatteOptions options) {
        MatteCall call = new MatteCall(source, System.nanoTime(), timeoutNanos, counts, admission);
        boolean own = OWN_THREAD.get() == this;
        boolean wait = paced || (overflow == Overflow.BLOCK && !own);
        switch (admission.enter(call, wait, paced ? Admission.NO_DEADLINE : call.deadline())) {
            case ADMITTED -> launch(call, paced, options);
            case FULL -> call.reject("the Matter already has " + admission.capacity() + " requests in flight"
                    + " (queueCapacity) and " + (own ? "a submit from one of its own threads cannot wait for room"
                    : "the overflow policy is REJECT"));
            case CLOSED -> call.reject("this Matter is closed");
            case INTERRUPTED -> call.reject("the caller was interrupted while waiting for room in the Matter");
            case TIMED_OUT -> call.timedOutWaitingForRoom();
        }
        return call;
    }

    private void launch(MatteCall call, boolean restartClock, MatteOptions options) {
        call.start(timers, restartClock);
        // Resolved once per call: per-call options change only the CPU stages after the forward pass.
        PostProcess post = options.resolve(pipeline.postProcess());
        Output output = options.output();
        try {
            call.prepareTask(cpu.submit(() -> prepare(call, post, output)));
        } catch (RejectedExecutionException e) {
            call.fail(new SchedulerShutdownException("'" + call.source().name() + "' could not start: the Matter's"
                    + " workers have stopped"));
        }
    }

    /** Stage 1, on a CPU worker: decode and preprocess, then hand the input to the scheduler. */
    private void prepare(MatteCall call, PostProcess post, Output output) {
        if (!call.beginDecode()) {
            return;
        }
        Prepared prepared;
        try {
            prepared = pipeline.prepare(call.source(), onDevice);
        } catch (Throwable t) {
            call.fail(asMattingException(call.source(), t));
            return;
        }
        if (!call.enter(MatteCall.Stage.ON_DEVICE)) {
            return;
        }
        CompletableFuture<ModelOutput> alpha;
        try {
            alpha = scheduler.submit(prepared.input(), call.source().name());
        } catch (RuntimeException e) {
            call.fail(asMattingException(call.source(), e));
            return;
        }
        call.inference(alpha);
        alpha.whenComplete((a, error) -> {
            call.alphaArrived();
            onCpu(call, () -> finish(call, prepared, a, error, post, output));
        });
    }

    /** Stage 2, on a CPU worker: the alpha back to the source's size, post-processed. */
    private void finish(MatteCall call, Prepared prepared, ModelOutput alpha, Throwable error, PostProcess post,
            Output output) {
        if (!call.enter(MatteCall.Stage.POST_PROCESSING)) {
            return;
        }
        if (error != null) {
            call.fail(asMattingException(call.source(), error));
            return;
        }
        try {
            call.succeed(new Matte(prepared.image(), pipeline.finish(prepared, alpha, post), post.background())
                    .withOutput(output));
        } catch (Throwable t) {
            call.fail(asMattingException(call.source(), t));
        }
    }

    /** Runs a stage on the CPU pool; once the pool has stopped (a close whose drain ran out), right here. */
    private void onCpu(MatteCall call, Runnable stage) {
        try {
            cpu.execute(stage);
        } catch (RejectedExecutionException e) {
            stage.run();
        }
    }

    @Override
    public SchedulerStats stats() {
        return counts.applyTo(scheduler.stats());
    }

    /** Requests in flight now: admitted, their work not ended (what {@code queueCapacity} bounds). */
    int inFlight() {
        return admission.inFlight().size();
    }

    @Override
    public MatterInfo info() {
        return new MatterInfo(backendName, primary.device(), primary.precision(), spec.name(), primary.engine(), onDevice);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long end = saturatedAdd(System.nanoTime(), drainTimeout.toNanos());
        admission.close();
        if (!admission.awaitEmpty(end)) {
            // Stop every request first, then fail them: no caller's continuation runs while work can still start.
            List<MatteCall> abandoned = new ArrayList<>();
            for (MatteCall call : admission.inFlight()) {
                if (call.abandon()) {
                    abandoned.add(call);
                }
            }
            for (MatteCall call : abandoned) {
                call.failAbandoned(drainTimeout);
            }
        }
        // What is left in the scheduler now belongs to requests that have ended: it need not wait for any of it.
        scheduler.shutdown(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        Throwable failure = closeAll(owned, null);
        timers.shutdownNow();
        cpu.shutdown();
        if (OWN_THREAD.get() != this) {
            // Decodes of requests failed by the drain cannot be interrupted: wait for them (their results are
            // dropped), so that no thread of this Matter outlives close; a minute at most for a decode that hangs.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            // The pools first: a worker a pool created but had not yet started when it was shut down is not
            // alive yet, so joining the threads alone could miss it; a terminated pool has run every worker.
            awaitTermination(timers, deadline);
            awaitTermination(cpu, deadline);
            awaitThreads(deadline);
        }
        if (failure != null) {
            throw new MattingException("closing the matter failed: " + failure, failure);
        }
    }

    private static void awaitTermination(ExecutorService pool, long deadline) {
        boolean interrupted = false;
        long left = deadline - System.nanoTime();
        while (!pool.isTerminated() && left > 0) {
            try {
                pool.awaitTermination(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            left = deadline - System.nanoTime();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitThreads(long deadline) {
        boolean interrupted = false;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            while (t.isAlive() && left > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                left = deadline - System.nanoTime();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes each in order, keeping the first failure (added to {@code primary} when given) and going on. */
    public static Throwable closeAll(List<AutoCloseable> resources, Throwable primary) {
        Throwable first = null;
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception | Error e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        return first;
    }

    /** The matte, or its error thrown; an interrupted wait cancels the request (its caller is gone). */
    private static Matte await(CompletableFuture<Matte> future, ImageSource source) {
        try {
            return future.get();
        } catch (ExecutionException | CompletionException e) {
            throw asMattingException(source, e.getCause());
        } catch (CancellationException e) {
            throw new MattingException("matting '" + source.name() + "' was cancelled", e);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new MattingException("interrupted while matting '" + source.name() + "'", e);
        }
    }

    static MattingException asMattingException(ImageSource source, Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MattingException m) {
            return m;
        }
        return new InferenceException("matting '" + source.name() + "' failed: " + t, t);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
