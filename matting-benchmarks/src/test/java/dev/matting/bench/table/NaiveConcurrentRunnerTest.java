package dev.matting.bench.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.matting.api.MatteResult;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.ImageSource;
import dev.matting.common.Precision;
import dev.matting.model.InputPolicy;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.postprocess.PostProcess;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The naive runner over a simulated card: every model copy keeps its weights and the activations of the largest batch
 * it ran (a caching allocator that never gives back), so five copies need more than the card holds however the
 * threads interleave. The copies that come last run out of memory on every batch, and nothing recovers.
 */
class NaiveConcurrentRunnerTest {
    private static final ModelSpec SPEC = dev.matting.bench.ModelRef.atPolicy(dev.matting.testing.TestModels.tiny(), new InputPolicy.LongestSide(64, 32));
    private static final BackendOptions GPU_FP16 = new BackendOptions(Device.gpu(0), Precision.FP16, 0, false, false);

    @Test
    void fiveCopiesOnASmallCardFailTheLastCopiesBatchesAsOutOfMemory() {
        // weights 1, activations 1 per image: 5 weights + 3 copies' batches of 2 fit in 11, a fourth does not
        SimulatedCard card = new SimulatedCard(11, 1, 1);
        List<List<ImageSource>> clients = clients(5, 4);
        try (NaiveConcurrentRunner runner = new NaiveConcurrentRunner(card, SPEC, GPU_FP16, PostProcess.NONE, 5, 2)) {
            List<MatteResult> results = runner.run(clients);
            assertEquals(20, results.size());
            for (int i = 0; i < 20; i++) {
                assertEquals(clients.get(i / 4).get(i % 4), results.get(i).source(), "results keep client order");
            }
            List<MatteResult> failed = results.stream().filter(r -> !r.isSuccess()).toList();
            assertEquals(8, failed.size(), "two copies never fit a batch: all 4 images of 2 clients fail");
            failed.forEach(r -> assertInstanceOf(DeviceOutOfMemoryException.class, r.error()));
            results.stream().filter(MatteResult::isSuccess).forEach(r -> assertEquals(64, r.orThrow().width()));
            assertEquals(0, card.releases, "no recovery: the cache is never released while the clients run");
            assertEquals(0, runner.oomRetries());
            assertTrue(runner.describe().contains("5 x fake") && runner.describe().contains("no scheduler"),
                    runner.describe());
        }
        assertEquals(5, card.releases, "closing gives every copy's cache back");
        assertEquals(0, card.used, "and frees every copy");
    }

    @Test
    void aCardThatHoldsEveryCopyRunsEveryImageInFixedBatches() {
        SimulatedCard card = new SimulatedCard(100, 1, 1);
        try (NaiveConcurrentRunner runner = new NaiveConcurrentRunner(card, SPEC, GPU_FP16, PostProcess.NONE, 3, 2)) {
            List<MatteResult> results = runner.run(clients(3, 5));
            assertTrue(results.stream().allMatch(MatteResult::isSuccess));
            // 5 images in batches of 2: 2, 2, 1 per client
            assertEquals(List.of(1, 1, 1, 2, 2, 2, 2, 2, 2), card.batchSizes.stream().sorted().toList());
        }
    }

    @Test
    void realCopiesOpenedThroughTheSpiMatteOnTheCpu() {
        assumeFalse(BackendSelector.installed().isEmpty(), "no MattingBackend on the class path");
        MatterOptions options = Matters.builder().model(SPEC).device(Device.cpu()).intraOpThreads(1).maxBatchSize(2)
                .build();
        try (NaiveConcurrentRunner runner = NaiveConcurrentRunner.open(options, 2)) {
            List<MatteResult> results = runner.run(clients(2, 3));
            assertEquals(6, results.size());
            results.forEach(r -> assertTrue(r.isSuccess(), String.valueOf(r.error())));
            assertTrue(runner.describe().startsWith("2 x ") && runner.describe().contains("fixed batch 2"),
                    runner.describe());
        }
    }

    @Test
    void moreClientsThanCopiesIsRefused() {
        try (NaiveConcurrentRunner runner = new NaiveConcurrentRunner(new SimulatedCard(100, 1, 1), SPEC, GPU_FP16,
                PostProcess.NONE, 2, 2)) {
            assertThrows(IllegalArgumentException.class, () -> runner.run(clients(3, 1)));
        }
    }

    @Test
    void copiesThatDoNotLoadAreClosedAndTheErrorSurfaces() {
        SimulatedCard card = new SimulatedCard(3, 1, 1);
        assertThrows(DeviceOutOfMemoryException.class,
                () -> new NaiveConcurrentRunner(card, SPEC, GPU_FP16, PostProcess.NONE, 5, 2));
        assertEquals(0, card.used, "the three copies that loaded were closed");
    }

    private static List<List<ImageSource>> clients(int n, int images) {
        List<List<ImageSource>> out = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            List<ImageSource> mine = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                byte[] jpeg = SampleGenerator.jpeg(SampleGenerator.scene(64, 64, 10 * c + i).image().toBufferedImage());
                mine.add(ImageSource.of("c" + c + "-" + i + ".jpg", jpeg));
            }
            out.add(List.copyOf(mine));
        }
        return out;
    }

    /** A GPU of {@code capacity} units shared by every copy opened on it. */
    private static final class SimulatedCard implements MattingBackend {
        final long capacity;
        final long weights;
        final long perImage;
        long used;
        int releases;
        final List<Integer> batchSizes = new ArrayList<>();

        SimulatedCard(long capacity, long weights, long perImage) {
            this.capacity = capacity;
            this.weights = weights;
            this.perImage = perImage;
        }

        synchronized void take(long units, String what) {
            if (used + units > capacity) {
                throw new DeviceOutOfMemoryException("simulated card: " + what + " needs " + units + ", "
                        + (capacity - used) + " free");
            }
            used += units;
        }

        synchronized void give(long units) {
            used -= units;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public ModelFormat format() {
            return ModelFormat.TORCHSCRIPT;
        }

        @Override
        public int priority(Device device) {
            return 0;
        }

        @Override
        public List<Device> devices() {
            return List.of(Device.cpu(), Device.gpu(0));
        }

        @Override
        public BatchBackend open(ModelSpec spec, BackendOptions options) {
            take(weights, "weights");
            return new BatchBackend() {
                long cached;

                @Override
                public List<ModelOutput> run(List<ModelInput> batch) {
                    long need = batch.size() * perImage;
                    if (need > cached) {
                        take(need - cached, "a batch of " + batch.size());
                        cached = need;
                    }
                    synchronized (SimulatedCard.this) {
                        batchSizes.add(batch.size());
                    }
                    return batch.stream().map(in -> ModelOutput.ofPlane(new float[in.height() * in.width()])).toList();
                }

                @Override
                public void releaseCachedMemory() {
                    give(cached);
                    cached = 0;
                    synchronized (SimulatedCard.this) {
                        releases++;
                    }
                }

                @Override
                public Device device() {
                    return options.device();
                }

                @Override
                public Precision precision() {
                    return options.precision();
                }

                @Override
                public String engine() {
                    return "simulated";
                }

                @Override
                public void close() {
                    give(cached + weights);
                    cached = 0;
                }
            };
        }
    }
}
