package dev.matting.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.InferenceException;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeMemorySource;
import dev.matting.testing.FakeTicker;
import dev.matting.testing.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Scheduler invariants over random arrival patterns, shapes, device memories, hidden OOM thresholds, poisoned inputs
 * and cancellations, with real lane threads racing the submitting thread.
 */
class SchedulerProperties {
    private static final long MIB = 1L << 20;
    private static final List<ModelInput.Shape> SHAPES = List.of(new ModelInput.Shape(4, 4),
            new ModelInput.Shape(4, 6), new ModelInput.Shape(6, 4), new ModelInput.Shape(8, 8));

    /** One lane's simulated device. */
    record LaneSpec(long totalMiB, long weightsMiB, long mibPerPixel, int oomAboveBatch, boolean measurable) {
        FakeBatchBackend build(int index, Set<Integer> poison) {
            return FakeBatchBackend.builder(Device.gpu(index)).totalBytes(totalMiB * MIB).weightsBytes(weightsMiB * MIB)
                    .bytesPerImage(s -> bytesPerImage(s)).oomAboveBatch(oomAboveBatch).measurable(measurable)
                    .poison(poison).build();
        }

        long bytesPerImage(ModelInput.Shape s) {
            return (long) s.height() * s.width() * mibPerPixel * MIB;
        }

        boolean fits(ModelInput.Shape s) {
            return (weightsMiB * MIB) + bytesPerImage(s) <= totalMiB * MIB;
        }
    }

    /** What the test thread does next. */
    sealed interface Op permits Submit, Cancel, Advance, Pause {
    }

    record Submit(int shape, boolean floats, boolean poison) implements Op {
    }

    record Cancel(int which) implements Op {
    }

    record Advance(int millis) implements Op {
    }

    record Pause(int micros) implements Op {
    }

    record Config(int maxBatchSize, int maxDelayMs, int maxInFlight, double fraction, long reserveMiB, long capMiB,
            boolean fallback) {
    }

    @Provide
    Arbitrary<List<LaneSpec>> lanes() {
        Arbitrary<LaneSpec> lane = Combinators.combine(
                Arbitraries.longs().between(256, 16_384),
                Arbitraries.longs().between(0, 60),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.longs().between(1, 4)),
                        Tuple.of(1, Arbitraries.longs().between(5, 64))),
                Arbitraries.frequency(Tuple.of(3, Integer.MAX_VALUE), Tuple.of(1, 1), Tuple.of(1, 2),
                        Tuple.of(1, 3), Tuple.of(1, 5)),
                Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)))
                .as((total, weightsPercent, perPixel, oomAbove, measurable) ->
                        new LaneSpec(total, total * weightsPercent / 100, perPixel, oomAbove, measurable));
        return lane.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Config> configs() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 8),
                Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(1, 2),
                Arbitraries.doubles().between(0.5, 1.0),
                Arbitraries.of(0L, 64L, 512L),
                Arbitraries.frequency(Tuple.of(3, 0L), Tuple.of(1, 1_024L), Tuple.of(1, 4_096L)),
                Arbitraries.of(true, false))
                .as(Config::new);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> submit = Combinators.combine(Arbitraries.integers().between(0, SHAPES.size() - 1),
                Arbitraries.of(false, true), Arbitraries.frequency(Tuple.of(12, false), Tuple.of(1, true))
                        ).as(Submit::new);
        Arbitrary<Op> cancel = Arbitraries.integers().between(0, 1_000).map(Cancel::new);
        Arbitrary<Op> advance = Arbitraries.integers().between(0, 4).map(Advance::new);
        Arbitrary<Op> pause = Arbitraries.integers().between(0, 300).map(Pause::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(Tuple.of(14, submit), Tuple.of(2, cancel), Tuple.of(3, advance),
                Tuple.of(1, pause));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 150)
    @StatisticsReport(onFailureOnly = true)
    void everyRequestEndsExactlyOnceInItsOwnShapeAndWithinBudget(@ForAll("lanes") List<LaneSpec> laneSpecs,
            @ForAll("configs") Config config, @ForAll("ops") List<Op> ops) throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        Set<Integer> poison = new HashSet<>();
        int tag = 0;
        for (Op op : ops) {
            if (op instanceof Submit s) {
                tag++;
                if (s.poison()) {
                    poison.add(tag);
                }
            }
        }
        List<FakeBatchBackend> gpus = new ArrayList<>();
        for (int i = 0; i < laneSpecs.size(); i++) {
            gpus.add(laneSpecs.get(i).build(i, poison));
        }
        FakeBatchBackend cpu = FakeBatchBackend.builder(Device.cpu()).totalBytes(Long.MAX_VALUE / 2).poison(poison)
                .build();
        VramBudget budget = new VramBudget(config.fraction(), config.reserveMiB() * MIB, config.capMiB() * MIB);
        MattingScheduler.Builder builder = MattingScheduler.builder().lanes(gpus)
                .memorySource(new FakeMemorySource(gpus.toArray(FakeBatchBackend[]::new))).vramBudget(budget)
                .ticker(ticker).maxBatchSize(config.maxBatchSize()).maxDelay(Duration.ofMillis(config.maxDelayMs()))
                .maxInFlightPerLane(config.maxInFlight());
        if (config.fallback()) {
            builder.cpuFallback(cpu);
        }

        List<CompletableFuture<ModelOutput>> futures = new ArrayList<>();
        Map<Integer, ModelInput.Shape> shapeOf = new HashMap<>();
        Set<Integer> cancelled = new HashSet<>();
        try (MattingScheduler scheduler = builder.build()) {
            for (Op op : ops) {
                if (op instanceof Submit s) {
                    int t = futures.size() + 1;
                    ModelInput.Shape shape = SHAPES.get(s.shape());
                    shapeOf.put(t, shape);
                    futures.add(scheduler.submit(s.floats() ? FakeBatchBackend.valuesInput(t, shape.height(),
                            shape.width()) : FakeBatchBackend.input(t, shape.height(), shape.width())));
                } else if (op instanceof Cancel c && !futures.isEmpty()) {
                    int i = c.which() % futures.size();
                    if (futures.get(i).cancel(false)) {
                        cancelled.add(i + 1);
                    }
                } else if (op instanceof Advance a) {
                    ticker.advance(Duration.ofMillis(a.millis()));
                } else if (op instanceof Pause p) {
                    LockSupport.parkNanos(p.micros() * 1_000L);
                }
            }
            ticker.advance(Duration.ofHours(1));
            for (CompletableFuture<ModelOutput> f : futures) {
                awaitDone(f);
            }
            SchedulerStats stats = scheduler.stats();
            long ok = futures.stream().filter(f -> !f.isCompletedExceptionally()).count();
            assertEquals(futures.size(), stats.submitted());
            assertEquals(ok, stats.succeeded());
            assertEquals(cancelled.size(), stats.cancelled());
            assertEquals(0, stats.pending());
            Statistics.label("oom recovered").collect(stats.oomRetries() > 0);
            Statistics.label("cpu fallback").collect(stats.cpuFallbacks() > 0);
            Statistics.label("cancel won").collect(!cancelled.isEmpty());
            Statistics.label("batched").collect(stats.batchSizeHistogram().keySet().stream().anyMatch(n -> n > 1));
            Statistics.label("failed").collect(stats.failed() > 0);
            // The generator must keep reaching every recovery path, or the invariants above prove little (a floor of 1 %:
            // batching and a winning cancel depend on timing, which a loaded CI machine shifts).
            for (String label : List.of("oom recovered", "cpu fallback", "cancel won", "batched", "failed")) {
                Statistics.label(label).coverage(c -> c.check(true).percentage(p -> p >= 1));
            }
        }

        List<FakeBatchBackend> all = new ArrayList<>(gpus);
        all.add(cpu);
        Map<Integer, Integer> okRuns = new HashMap<>();
        for (FakeBatchBackend b : all) {
            assertEquals(0, b.overlappingCalls(), "a backend ran two passes at once");
            for (FakeBatchBackend.Pass p : b.requestPasses()) {
                assertNotEquals(FakeBatchBackend.Outcome.MIXED_SHAPES, p.outcome());
                for (int t : p.tags()) {
                    assertEquals(shapeOf.get(t), p.shape(), "request " + t + " ran in a batch of another shape");
                    assertFalse(cancelled.contains(t), "request " + t + " ran after it was cancelled");
                    if (p.outcome() == FakeBatchBackend.Outcome.OK) {
                        okRuns.merge(t, 1, Integer::sum);
                    }
                }
            }
        }
        for (int i = 0; i < gpus.size(); i++) {
            LaneSpec spec = laneSpecs.get(i);
            if (!spec.measurable()) {
                continue;
            }
            long available = spec.totalMiB() * MIB - spec.weightsMiB() * MIB;
            if (budget.hasCap()) {
                available = Math.min(available, budget.capBytes() - spec.weightsMiB() * MIB);
            }
            long usable = Math.max(0, (long) Math.floor(available * config.fraction()) - config.reserveMiB() * MIB);
            for (FakeBatchBackend.Pass p : gpus.get(i).requestPasses()) {
                int n = p.tags().size();
                assertTrue(n == 1 || n * spec.bytesPerImage(p.shape()) <= usable, "lane " + i + " ran " + n + " x "
                        + p.shape() + " (" + spec.bytesPerImage(p.shape()) + " B each) with " + usable + " B usable");
            }
        }
        for (int t = 1; t <= futures.size(); t++) {
            CompletableFuture<ModelOutput> f = futures.get(t - 1);
            ModelInput.Shape shape = shapeOf.get(t);
            if (cancelled.contains(t)) {
                assertTrue(f.isCancelled());
                continue;
            }
            Optional<Throwable> error = errorOf(f);
            if (error.isEmpty()) {
                float[] alpha = f.join().plane();
                assertEquals(t, FakeBatchBackend.tagOf(alpha), "request " + t + " got another request's alpha");
                assertEquals(shape.height() * shape.width(), alpha.length);
                assertFalse(poison.contains(t), "poisoned request " + t + " succeeded");
                assertEquals(1, okRuns.getOrDefault(t, 0), "request " + t + " ran more than once");
                continue;
            }
            Throwable e = error.get();
            assertFalse(e instanceof CancellationException, "request " + t + " cancelled although cancel failed");
            if (poison.contains(t)) {
                assertInstanceOf(InferenceException.class, e);
            } else {
                DeviceOutOfMemoryException oom = assertInstanceOf(DeviceOutOfMemoryException.class, e,
                        "request " + t + " failed: " + e);
                assertFalse(config.fallback(), "with a CPU fallback nothing fails for memory");
                assertTrue(laneSpecs.stream().anyMatch(l -> !l.fits(shape)), "request " + t + " fits everywhere");
                assertTrue(oom.getMessage().contains(shape.toString()), oom.getMessage());
            }
        }
    }

    @Property(tries = 100)
    void calibrationMeasuresTheTrueBytesPerImage(@ForAll @IntRange(min = 1, max = 64) int mibPerPixel,
            @ForAll @IntRange(min = 0, max = 3) int shapeIndex, @ForAll @IntRange(min = 0, max = 2_048) int weightsMiB) {
        ModelInput.Shape shape = SHAPES.get(shapeIndex);
        LaneSpec spec = new LaneSpec(weightsMiB + 3 * shape.height() * shape.width() * mibPerPixel, weightsMiB,
                mibPerPixel, Integer.MAX_VALUE, true);
        FakeBatchBackend gpu = spec.build(0, Set.of());
        try (MattingScheduler s = MattingScheduler.builder().lane(gpu).memorySource(new FakeMemorySource(gpu))
                .build()) {
            s.calibrate(FakeBatchBackend.input(1, shape.height(), shape.width())).join();
            assertEquals(Map.of(shape, spec.bytesPerImage(shape)), s.stats().lanes().get(0).bytesPerImage());
        }
    }

    private static void awaitDone(CompletableFuture<ModelOutput> f) {
        Futures.awaitEnd(f, SchedulerTestSupport.HANG_GUARD_SECONDS); // how it ended is judged below
    }

    private static Optional<Throwable> errorOf(CompletableFuture<ModelOutput> f) {
        return Optional.ofNullable(Futures.errorOf(f));
    }
}
