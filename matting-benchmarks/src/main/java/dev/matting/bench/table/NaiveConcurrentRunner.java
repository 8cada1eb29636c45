package dev.matting.bench.table;

import dev.matting.api.Matte;
import dev.matting.api.MatteResult;
import dev.matting.api.MatterOptions;
import dev.matting.common.ImageSource;
import dev.matting.model.ModelSpec;
import dev.matting.pipeline.MattingPipeline;
import dev.matting.pipeline.Prepared;
import dev.matting.postprocess.PostProcess;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelOutput;
import dev.matting.spi.ModelInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The naive way to serve N clients, as the original Python tool did: N threads, each with its own copy of the model
 * on the device (its own {@link BatchBackend}, opened straight through the backend SPI), doing decode, preprocess,
 * a forward pass of a fixed batch, post-process and encode inline. No scheduler, no memory sizing, no recovery: their
 * activations pile up on the card, and an out-of-memory simply fails the images of that batch.
 */
final class NaiveConcurrentRunner implements ThroughputRunner {
    private final String backendName;
    private final List<BatchBackend> backends = new ArrayList<>();
    private final MattingPipeline pipeline;
    private final int batch;

    /** Opens {@code concurrency} copies of the model on the backend, device and precision {@code options} select. */
    static NaiveConcurrentRunner open(MatterOptions options, int concurrency) {
        ModelSpec spec = options.resolveModel();
        BackendSelector.Selection c = BackendSelector.select(spec, options.backend().orElse(null),
                options.devices().isEmpty() ? List.of() : List.of(options.devices().get(0)), options.precision(), false);
        return new NaiveConcurrentRunner(c.backend(), spec, new BackendOptions(c.devices().get(0), c.precision(),
                options.intraOpThreads(), options.cudnnBenchmark(), options.warmUp()), options.postProcess(),
                concurrency, options.scheduling().maxBatchSize());
    }

    NaiveConcurrentRunner(MattingBackend backend, ModelSpec spec, BackendOptions backendOptions, PostProcess postProcess,
            int concurrency, int batch) {
        if (concurrency < 1 || batch < 1) {
            throw new IllegalArgumentException("concurrency and batch must be >= 1, got " + concurrency + " and " + batch);
        }
        this.backendName = backend.name();
        this.pipeline = new MattingPipeline(spec, postProcess, dev.matting.image.DecodeLimits.defaults());
        this.batch = batch;
        try {
            for (int i = 0; i < concurrency; i++) {
                backends.add(backend.open(spec, backendOptions));
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public List<MatteResult> run(List<List<ImageSource>> clients) {
        if (clients.size() > backends.size()) {
            // a backend is not thread-safe: two clients must never share one
            throw new IllegalArgumentException(clients.size() + " clients but only " + backends.size() + " model copies");
        }
        return ClientThreads.runAll(clients, "naive", (i, images) -> client(backends.get(i), images));
    }

    /** One client: its images in fixed batches, one after the other, on its own model copy. */
    private List<MatteResult> client(BatchBackend backend, List<ImageSource> images) {
        MatteResult[] out = new MatteResult[images.size()];
        for (int start = 0; start < images.size(); start += batch) {
            runBatch(backend, images.subList(start, Math.min(images.size(), start + batch)), out, start);
        }
        return Arrays.asList(out);
    }

    /** Prepares, runs and finishes one fixed batch inline, writing each image's result at {@code offset + i}. */
    private void runBatch(BatchBackend backend, List<ImageSource> images, MatteResult[] out, int offset) {
        // one forward pass per shape; the table's photos share one shape, odd ones would run apart
        Map<ModelInput.Shape, List<Integer>> byShape = new LinkedHashMap<>();
        Prepared[] prepared = new Prepared[images.size()];
        for (int i = 0; i < images.size(); i++) {
            try {
                prepared[i] = pipeline.prepare(images.get(i));
                byShape.computeIfAbsent(prepared[i].input().shape(), s -> new ArrayList<>()).add(i);
            } catch (RuntimeException e) {
                out[offset + i] = failure(images.get(i), e);
            }
        }
        for (List<Integer> group : byShape.values()) {
            List<ModelOutput> alphas;
            try {
                alphas = backend.run(group.stream().map(i -> prepared[i].input()).toList());
            } catch (RuntimeException e) {
                // no split, no retry, no fallback: an out-of-memory fails the whole batch, as it did in Python
                group.forEach(i -> out[offset + i] = failure(images.get(i), e));
                continue;
            }
            for (int k = 0; k < group.size(); k++) {
                int i = group.get(k);
                try {
                    out[offset + i] = ClientThreads.encoded(images.get(i), new Matte(prepared[i].image(),
                            pipeline.finish(prepared[i], alphas.get(k), pipeline.postProcess()),
                            pipeline.postProcess().background()));
                } catch (RuntimeException e) {
                    out[offset + i] = failure(images.get(i), e);
                }
            }
        }
    }

    private static MatteResult failure(ImageSource source, RuntimeException e) {
        return MatteResult.failure(source, ClientThreads.asMattingException(source, e));
    }

    @Override
    public String describe() {
        if (backends.isEmpty()) {
            return "no model copy open";
        }
        BatchBackend b = backends.get(0);
        return backends.size() + " x " + backendName + " " + b.engine() + " on " + b.device() + " " + b.precision().key()
                + ", fixed batch " + batch + ", no scheduler";
    }

    @Override
    public void close() {
        for (BatchBackend b : backends) {
            try {
                // give the cache back so the next row (and its ballast) starts from the memory the driver reports
                b.releaseCachedMemory();
                b.close();
            } catch (RuntimeException ignored) {
                // closing the others matters more than one that failed to close
            }
        }
        backends.clear();
    }
}
