package dev.matting.internal;

import dev.matting.api.ImageSource;
import dev.matting.api.InferenceException;
import dev.matting.api.Matte;
import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.MatterInfo;
import dev.matting.api.MatterOptions;
import dev.matting.api.MattingException;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Matter} behind {@link dev.matting.api.Matters}: CPU stages on a pool sized to the cores, forward passes
 * on one backend, one pass per group of same-shaped inputs. A failing input fails alone.
 */
public final class PipelineMatter implements Matter {
    private final String backendName;
    private final ModelSpec spec;
    private final BatchBackend backend;
    private final MattingPipeline pipeline;
    private final int maxBatchSize;
    private final ExecutorService cpu;
    private final Object forwardLock = new Object();
    private volatile boolean closed;

    public PipelineMatter(String backendName, ModelSpec spec, BatchBackend backend, MatterOptions options) {
        this.backendName = backendName;
        this.spec = spec;
        this.backend = backend;
        this.pipeline = new MattingPipeline(spec, options.postProcess());
        this.maxBatchSize = options.maxBatchSize();
        AtomicInteger n = new AtomicInteger();
        this.cpu = Executors.newFixedThreadPool(options.cpuThreads(), r -> {
            Thread t = new Thread(r, "matting-cpu-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Matte matte(ImageSource source) {
        return matteAll(List.of(source)).get(0).orThrow();
    }

    @Override
    public List<MatteResult> matteAll(List<ImageSource> sources) {
        ensureOpen();
        List<CompletableFuture<Prepared>> preparing = sources.stream()
                .map(s -> CompletableFuture.supplyAsync(() -> pipeline.prepare(s), cpu)).toList();
        MatteResult[] results = new MatteResult[sources.size()];
        Map<ModelInput.Shape, List<Integer>> groups = new LinkedHashMap<>();
        Prepared[] prepared = new Prepared[sources.size()];
        for (int i = 0; i < sources.size(); i++) {
            try {
                prepared[i] = preparing.get(i).join();
                groups.computeIfAbsent(prepared[i].input().shape(), k -> new ArrayList<>()).add(i);
            } catch (CompletionException e) {
                results[i] = MatteResult.failure(sources.get(i), asMattingException(sources.get(i), e.getCause()));
            }
        }
        List<CompletableFuture<Void>> finishing = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += maxBatchSize) {
                List<Integer> chunk = group.subList(from, Math.min(group.size(), from + maxBatchSize));
                forward(chunk, prepared, results, finishing);
            }
        }
        finishing.forEach(CompletableFuture::join);
        return List.of(results);
    }

    /** Runs one batch; when it fails and holds several images, runs them one by one so only the culprit fails. */
    private void forward(List<Integer> chunk, Prepared[] prepared, MatteResult[] results,
            List<CompletableFuture<Void>> finishing) {
        List<ModelInput> inputs = chunk.stream().map(i -> prepared[i].input()).toList();
        List<float[]> alphas;
        try {
            synchronized (forwardLock) {
                alphas = backend.run(inputs);
            }
        } catch (RuntimeException e) {
            if (chunk.size() > 1) {
                for (Integer i : chunk) {
                    forward(List.of(i), prepared, results, finishing);
                }
            } else {
                int i = chunk.get(0);
                results[i] = MatteResult.failure(prepared[i].source(), asMattingException(prepared[i].source(), e));
            }
            return;
        }
        for (int k = 0; k < chunk.size(); k++) {
            int i = chunk.get(k);
            float[] alpha = alphas.get(k);
            finishing.add(CompletableFuture.runAsync(() -> {
                try {
                    results[i] = MatteResult.success(prepared[i].source(), pipeline.finish(prepared[i], alpha));
                } catch (RuntimeException e) {
                    results[i] = MatteResult.failure(prepared[i].source(), asMattingException(prepared[i].source(), e));
                }
            }, cpu));
        }
    }

    @Override
    public CompletableFuture<Matte> submit(ImageSource source) {
        ensureOpen();
        return CompletableFuture.supplyAsync(() -> matte(source), cpu);
    }

    @Override
    public MatterInfo info() {
        return new MatterInfo(backendName, backend.device(), backend.precision(), spec.name(), backend.engine());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cpu.shutdown();
        try {
            cpu.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (forwardLock) {
            backend.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Matter is closed");
        }
    }

    static MattingException asMattingException(ImageSource source, Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MattingException m) {
            return m;
        }
        return new InferenceException("matting '" + source.name() + "' failed: " + t, t);
    }
}
