package dev.matting.bench.table;

import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.common.ImageSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The scheduler row over the SDK itself: one {@link Matter} (so one model copy per device behind its
 * {@link dev.matting.scheduler.MattingScheduler}) capped to the emulated card, with every client submitting its images
 * concurrently through {@link Matter#submit}. Micro-batches come from measured memory; out-of-memory errors are split
 * and retried inside the scheduler and show up as {@link ThroughputRunner#oomRetries()}, not as failed images.
 */
public final class ScheduledRunner {
    private ScheduledRunner() {
    }

    /** Opens one {@link Matter} over {@code options}' backend and device, planning micro-batches within the budget. */
    public static ThroughputRunner open(MatterOptions options, long vramBudgetBytes) {
        return new Runner(Matters.create(options.toBuilder().memoryCapBytes(vramBudgetBytes).build()), vramBudgetBytes,
                options.scheduling().maxBatchSize());
    }

    private static final class Runner implements ThroughputRunner {
        private final Matter matter;
        private final long capBytes;
        private final int maxBatch;

        Runner(Matter matter, long capBytes, int maxBatch) {
            this.matter = matter;
            this.capBytes = capBytes;
            this.maxBatch = maxBatch;
        }

        @Override
        public List<MatteResult> run(List<List<ImageSource>> clients) {
            return ClientThreads.runAll(clients, "scheduled", (i, images) -> {
                // a client hands over all its photos at once and waits: the scheduler decides the batches
                List<CompletableFuture<MatteResult>> pending = new ArrayList<>(images.size());
                for (ImageSource s : images) {
                    pending.add(matter.submit(s).thenApply(m -> ClientThreads.encoded(s, m))
                            .exceptionally(e -> MatteResult.failure(s, ClientThreads.asMattingException(s, e))));
                }
                return pending.stream().map(CompletableFuture::join).toList();
            });
        }

        @Override
        public long oomRetries() {
            return matter.stats().oomRetries();
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "%s, scheduler: micro-batches <= %d, cap %d GiB", matter.info(), maxBatch,
                    capBytes >> 30);
        }

        @Override
        public void close() {
            matter.close();
        }
    }
}
