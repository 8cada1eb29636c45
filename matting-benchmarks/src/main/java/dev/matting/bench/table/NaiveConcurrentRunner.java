package dev.matting.bench.table;

import dev.matting.api.ImageSource;
import dev.matting.api.InferenceException;
import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The naive way to serve N clients: N threads, each with its own {@link Matter} (its own copy of the model on the
 * device) and no coordination, so their activations pile up on the card. What the scheduler row is measured against.
 */
final class NaiveConcurrentRunner implements ThroughputRunner {
    private final List<Matter> matters = new ArrayList<>();
    private final ExecutorService threads;

    NaiveConcurrentRunner(MatterOptions options, int concurrency) {
        this.threads = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "naive-client");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < concurrency; i++) {
                matters.add(Matters.create(options));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<MatteResult> run(List<List<ImageSource>> clients) {
        List<CompletableFuture<List<MatteResult>>> running = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Matter m = matters.get(i % matters.size());
            List<ImageSource> work = clients.get(i);
            running.add(CompletableFuture.supplyAsync(() -> {
                try {
                    List<MatteResult> rs = m.matteAll(work);
                    rs.forEach(r -> r.matteIfPresent().ifPresent(x -> x.toPng()));
                    return rs;
                } catch (RuntimeException e) {
                    // a whole client dying (not one image) still counts as failures, not as a crashed table
                    InferenceException err = new InferenceException("client failed: " + e.getMessage(), e);
                    return work.stream().map(s -> MatteResult.failure(s, err)).toList();
                }
            }, threads));
        }
        List<MatteResult> out = new ArrayList<>();
        running.forEach(f -> out.addAll(f.join()));
        return out;
    }

    @Override
    public String describe() {
        return matters.size() + " x " + (matters.isEmpty() ? "?" : matters.get(0).info().toString());
    }

    @Override
    public void close() {
        for (Matter m : matters) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // closing the others matters more than one that failed to close
            }
        }
        threads.shutdownNow();
    }
}
