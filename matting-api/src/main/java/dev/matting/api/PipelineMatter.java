package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.InferenceException;
import dev.matting.common.MattingException;
import dev.matting.model.ModelSpec;
import dev.matting.pipeline.MattingPipeline;
import dev.matting.pipeline.Prepared;
import dev.matting.postprocess.PostProcess;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.scheduler.SchedulerStats;
import dev.matting.spi.BatchBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Matter} behind {@link dev.matting.api.Matters}: decode and preprocess on a CPU pool sized to the cores,
 * forward passes through the {@link MattingScheduler} (micro-batches sized from free device memory, OOM recovery),
 * then post-process on the CPU pool again, so CPU and device work overlap. No task ever blocks a pool thread on
 * another task, and a failing input fails alone.
 */
public final class PipelineMatter implements Matter {
    private final String backendName;
    private final ModelSpec spec;
    private final BatchBackend primary;
    private final MattingScheduler scheduler;
    private final MattingPipeline pipeline;
    private final ExecutorService cpu;
    private final List<AutoCloseable> owned;
    private volatile boolean closed;

    /**
     * @param owned closed in order by {@link #close()} (the scheduler first, so queued work drains before the
     *              backends go)
     */
    public PipelineMatter(String backendName, ModelSpec spec, BatchBackend primary, MattingScheduler scheduler,
            MatterOptions options, List<AutoCloseable> owned) {
        this.backendName = backendName;
        this.spec = spec;
        this.primary = primary;
        this.scheduler = scheduler;
        this.pipeline = new MattingPipeline(spec, options.postProcess());
        this.owned = List.copyOf(owned);
        AtomicInteger n = new AtomicInteger();
        this.cpu = Executors.newFixedThreadPool(options.cpuThreads(), r -> {
            Thread t = new Thread(r, "matting-cpu-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
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
        ensureOpen();
        // Prepare everything first, then queue it together, so same-shaped inputs share full micro-batches.
        List<CompletableFuture<Prepared>> preparing = new ArrayList<>(sources.size());
        for (ImageSource s : sources) {
            preparing.add(CompletableFuture.supplyAsync(() -> pipeline.prepare(s), cpu));
        }
        CompletableFuture.allOf(preparing.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        List<CompletableFuture<Matte>> mattes = new ArrayList<>(sources.size());
        for (CompletableFuture<Prepared> p : preparing) {
            mattes.add(p.thenCompose(this::inferAndFinish));
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
        ensureOpen();
        // Resolved once per call: per-call options change only the CPU stages after the forward pass.
        PostProcess post = options.resolve(pipeline.postProcess());
        Output output = options.output();
        CompletableFuture<Matte> result = CompletableFuture.supplyAsync(() -> pipeline.prepare(source), cpu)
                .thenCompose(p -> inferAndFinish(p, post, output));
        return result.exceptionallyCompose(e -> CompletableFuture.failedFuture(asMattingException(source, e)));
    }

    private CompletableFuture<Matte> inferAndFinish(Prepared p) {
        return inferAndFinish(p, pipeline.postProcess(), Output.png());
    }

    private CompletableFuture<Matte> inferAndFinish(Prepared p, PostProcess post, Output output) {
        return scheduler.submit(p.input()).thenApplyAsync(alpha -> pipeline.finish(p, alpha, post).withOutput(output), cpu);
    }

    @Override
    public SchedulerStats stats() {
        return scheduler.stats();
    }

    @Override
    public MatterInfo info() {
        return new MatterInfo(backendName, primary.device(), primary.precision(), spec.name(), primary.engine());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Throwable failure = closeAll(owned, null);
        cpu.shutdown();
        try {
            cpu.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new MattingException("closing the matter failed: " + failure, failure);
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

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Matter is closed");
        }
    }

    private static Matte await(CompletableFuture<Matte> future, ImageSource source) {
        try {
            return future.get();
        } catch (ExecutionException | CompletionException e) {
            throw asMattingException(source, e.getCause());
        } catch (CancellationException e) {
            throw new MattingException("matting '" + source.name() + "' was cancelled", e);
        } catch (InterruptedException e) {
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
}
