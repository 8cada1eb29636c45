package dev.matting.bench.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.GpuTelemetryException;
import dev.matting.gpu.GpuMonitor;
import dev.matting.gpu.GpuSnapshot;
import dev.matting.gpu.ScriptedGpuMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class GpuSamplerTest {
    private static final long TOTAL = 80L << 30;

    private static GpuSnapshot gpu(int index, int util, long used) {
        return GpuSnapshot.builder(index).name("gpu" + index).gpuUtilization(util).memoryUsed(used, TOTAL)
                .powerWatts(100 + util).build();
    }

    /** Frames of two GPUs; GPU 1 mirrors GPU 0 so the two summaries must differ only where the script does. */
    private static List<List<GpuSnapshot>> script(List<Integer> utils, List<Long> used) {
        List<List<GpuSnapshot>> frames = new ArrayList<>();
        for (int i = 0; i < utils.size(); i++) {
            frames.add(List.of(gpu(0, utils.get(i), used.get(i)), gpu(1, 100 - utils.get(i), used.get(i) / 2)));
        }
        return frames;
    }

    @Property(tries = 200)
    void meanIsTheAverageAndPeakTheMaximumOfWhatWasRead(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 100) Integer> utils,
            @ForAll @Size(min = 30, max = 30) List<@LongRange(min = 0, max = 80L << 30) Long> used) {
        List<Long> mem = used.subList(0, utils.size());
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(script(utils, mem));
        GpuSampler sampler = GpuSampler.manual(monitor);
        for (int i = 0; i < utils.size(); i++) {
            sampler.sample();
        }
        GpuUsageSummary summary = sampler.stop();

        assertEquals(utils.size(), summary.samples());
        assertEquals(0, summary.failedSamples());
        assertEquals(2, summary.gpus().size());
        GpuUsageSummary.GpuUsage g0 = summary.gpu(0).orElseThrow();
        double mean = utils.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertEquals(mean, g0.meanGpuUtilizationPercent().getAsDouble(), 1e-9);
        assertEquals(utils.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                g0.peakGpuUtilizationPercent().getAsInt());
        assertEquals(mem.get(0), g0.baselineMemoryUsedBytes().getAsLong());
        long peak = mem.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(peak, g0.peakMemoryUsedBytes().getAsLong());
        assertEquals(peak - mem.get(0), g0.peakMemoryAboveBaselineBytes().getAsLong());
        assertEquals(TOTAL, g0.memoryTotalBytes().getAsLong());
        assertEquals(100 + mean, g0.meanPowerWatts().getAsDouble(), 1e-9);

        GpuUsageSummary.GpuUsage g1 = summary.gpu(1).orElseThrow();
        assertEquals(100 - mean, g1.meanGpuUtilizationPercent().getAsDouble(), 1e-9);
        assertEquals(mem.stream().mapToLong(m -> m / 2).max().orElseThrow(), g1.peakMemoryUsedBytes().getAsLong());
    }

    @Test
    void backgroundThreadSamplesTheScriptAndTheSummaryCountsEveryReading() throws InterruptedException {
        List<Integer> utils = List.of(10, 90, 50, 20);
        List<Long> used = List.of(1L << 30, 5L << 30, 3L << 30, 2L << 30);
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(script(utils, used));
        GpuSampler sampler = GpuSampler.start(monitor, Duration.ofMillis(1));
        while (monitor.served() < utils.size()) {
            Thread.sleep(1);
        }
        GpuUsageSummary summary = sampler.stop();

        int n = summary.samples();
        assertEquals(monitor.served(), n, "every reading the thread took is in the summary, and none after stop");
        assertTrue(n >= utils.size());
        // Readings past the script repeat its last frame.
        long utilSum = utils.stream().mapToLong(Integer::longValue).sum() + (long) (n - utils.size()) * utils.get(3);
        GpuUsageSummary.GpuUsage g0 = summary.gpu(0).orElseThrow();
        assertEquals((double) utilSum / n, g0.meanGpuUtilizationPercent().getAsDouble(), 1e-9);
        assertEquals(5L << 30, g0.peakMemoryUsedBytes().getAsLong());
        assertEquals(n, g0.samples());
        // stop() ends the thread: joining it returns rather than waiting on a live sampler.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("matting-gpu-sampler")) {
                assertTrue(t.isDaemon());
                t.join(10_000);
                assertFalse(t.isAlive(), "sampler thread still running after stop()");
            }
        }
    }

    @Test
    void stopIsIdempotentAndSamplingAfterStopIsRefused() {
        GpuSampler sampler = GpuSampler.manual(new ScriptedGpuMonitor(script(List.of(5), List.of(1L))));
        sampler.sample();
        GpuUsageSummary first = sampler.stop();
        assertSame(first, sampler.stop());
        assertThrows(IllegalStateException.class, sampler::sample);
    }

    @Test
    void stopTakesOneReadingWhenNoneWasTaken() {
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(script(List.of(60), List.of(7L << 20)));
        GpuUsageSummary summary = GpuSampler.manual(monitor).stop();
        assertEquals(1, summary.samples());
        assertEquals(60.0, summary.gpu(0).orElseThrow().meanGpuUtilizationPercent().getAsDouble());
    }

    @Test
    void failedReadingsAreCountedAndSamplingGoesOn() {
        ScriptedGpuMonitor script = new ScriptedGpuMonitor(script(List.of(40, 80), List.of(1L, 2L)));
        GpuMonitor flaky = new GpuMonitor() {
            private int calls;

            @Override
            public List<GpuSnapshot> snapshot() {
                if (++calls == 2) {
                    throw new GpuTelemetryException("GPU 0 fell off the bus");
                }
                return script.snapshot();
            }

            @Override
            public void close() {
            }
        };
        GpuSampler sampler = GpuSampler.manual(flaky);
        sampler.sample();
        sampler.sample();
        sampler.sample();
        GpuUsageSummary summary = sampler.stop();
        assertEquals(2, summary.samples());
        assertEquals(1, summary.failedSamples());
        assertEquals(Optional.of("GPU 0 fell off the bus"), summary.lastFailure());
        assertEquals(60.0, summary.gpu(0).orElseThrow().meanGpuUtilizationPercent().getAsDouble(), 1e-9);
    }

    @Test
    void unavailableMonitorGivesAnUnavailableSummaryWithItsReason() {
        GpuSampler sampler = GpuSampler.start(GpuMonitor.unavailable("no NVIDIA driver"), Duration.ofMillis(1));
        GpuUsageSummary summary = sampler.stop();
        assertFalse(summary.available());
        assertEquals("no NVIDIA driver", summary.unavailableReason());
        assertEquals(0, summary.samples());
        assertEquals(List.of(), summary.gpus());
    }

    @Test
    void readingsWithoutUtilisationOrMemoryLeaveThoseFiguresAbsent() {
        GpuSnapshot bare = GpuSnapshot.builder(0).name("bare").build();
        GpuUsageSummary summary = GpuSampler.manual(new ScriptedGpuMonitor(List.of(List.of(bare)))).stop();
        GpuUsageSummary.GpuUsage g = summary.gpu(0).orElseThrow();
        assertTrue(g.meanGpuUtilizationPercent().isEmpty());
        assertTrue(g.peakMemoryUsedBytes().isEmpty());
        assertTrue(g.peakMemoryAboveBaselineBytes().isEmpty());
        assertTrue(g.meanPowerWatts().isEmpty());
    }

    @Test
    void periodMustBePositive() {
        GpuMonitor monitor = GpuMonitor.unavailable("none");
        assertThrows(IllegalArgumentException.class, () -> GpuSampler.start(monitor, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> GpuSampler.start(monitor, Duration.ofMillis(-1)));
    }
}
