package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.HANG_GUARD_SECONDS;
import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: drain what is queued, fail what is left after the timeout, stop the named threads. */
class ShutdownTest {
    private final FakeTicker ticker = new FakeTicker();
    private final FakeBatchBackend gpu0 = FakeBatchBackend.builder(Device.gpu(0)).build();
    private final FakeBatchBackend gpu1 = FakeBatchBackend.builder(Device.gpu(1)).build();

    private static Set<String> mattingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("matting-")).collect(Collectors.toSet());
    }

    @Test
    void shutdownDrainsQueuedWorkWithoutWaitingForTheWindowAndRejectsNewWork() throws InterruptedException {
        MattingScheduler s = MattingScheduler.builder().lane(gpu0).ticker(ticker).maxBatchSize(8)
                .maxDelay(Duration.ofHours(1)).build();
        List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
        for (int tag = 1; tag <= 3; tag++) {
            fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
        }
        s.shutdown(Duration.ofMinutes(1));
        assertTrue(s.isShutdown());
        error(s.submit(FakeBatchBackend.input(9, 4, 4)), SchedulerRejectedException.class);
        assertTrue(s.awaitTermination(Duration.ofSeconds(HANG_GUARD_SECONDS)));
        assertTrue(s.isTerminated());
        for (int tag = 1; tag <= 3; tag++) {
            assertTag(tag, fs.get(tag - 1));
        }
        assertEquals(List.of(List.of(1, 2, 3)), SchedulerTestSupport.tags(gpu0));
    }

    @Test
    void workLeftWhenTheDrainTimeoutRunsOutFailsWithATypedError() throws InterruptedException {
        MattingScheduler s = MattingScheduler.builder().lane(gpu0).ticker(ticker).maxBatchSize(1)
                .maxDelay(Duration.ZERO).build();
        gpu0.pause();
        CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
        gpu0.awaitEntered(1);
        CompletableFuture<ModelOutput> waiting1 = s.submit(FakeBatchBackend.input(2, 4, 4));
        CompletableFuture<ModelOutput> waiting2 = s.submit(FakeBatchBackend.input(3, 4, 4));
        s.shutdown(Duration.ofSeconds(1));
        ticker.advance(Duration.ofSeconds(1));
        assertTrue(error(running, SchedulerShutdownException.class).getMessage().contains("running"));
        assertTrue(error(waiting1, SchedulerShutdownException.class).getMessage().contains("waiting"));
        error(waiting2, SchedulerShutdownException.class);
        gpu0.resume();
        assertTrue(s.awaitTermination(Duration.ofSeconds(HANG_GUARD_SECONDS)));
        assertEquals(List.of(List.of(1)), SchedulerTestSupport.tags(gpu0));
        assertEquals(3, s.stats().failed());
        assertEquals(0, s.stats().pending());
    }

    @Test
    void buildStartsNamedThreadsAndCloseStopsThem() {
        Set<String> before = mattingThreads();
        MattingScheduler s = MattingScheduler.builder().lane(gpu0, gpu1)
                .cpuFallback(FakeBatchBackend.builder(Device.cpu()).build()).build();
        Set<String> during = mattingThreads();
        assertTrue(during.containsAll(Set.of("matting-dispatcher", "matting-lane-0", "matting-lane-1",
                "matting-lane-fallback")), during.toString());
        assertTag(5, s.submit(FakeBatchBackend.input(5, 4, 4)));
        s.close();
        assertTrue(s.isTerminated());
        assertFalse(mattingThreads().stream().anyMatch(n -> !before.contains(n)),
                "threads left: " + mattingThreads());
    }

    @Test
    void theBuilderRefusesABackendOnTwoLanes() {
        MattingScheduler.Builder b = MattingScheduler.builder().lane(gpu0, gpu0);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, b::build)
                .getMessage().contains("twice"));
    }

    /** Repeated: the pass on the device ends as soon as the first failure's continuation runs (1 % of runs raced). */
    @org.junit.jupiter.api.RepeatedTest(100)
    void closeDrainsForTheConfiguredDrainTimeoutAndNamesWhatItFails() throws InterruptedException {
        MattingScheduler s = MattingScheduler.builder().lane(gpu0).ticker(ticker).maxBatchSize(1)
                .maxDelay(Duration.ZERO).drainTimeout(Duration.ZERO).build();
        gpu0.pause();
        CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4), "running.png");
        gpu0.awaitEntered(1);
        CompletableFuture<ModelOutput> waiting = s.submit(FakeBatchBackend.input(2, 4, 4), "waiting.png");
        // A zero drain fails what is left at once; the pass on the device still has to end before close returns.
        waiting.whenComplete((v, e) -> gpu0.resume());
        s.close();
        assertTrue(s.isTerminated());
        SchedulerShutdownException w = error(waiting, SchedulerShutdownException.class);
        assertTrue(w.getMessage().contains("for 'waiting.png'") && w.getMessage().contains("waiting"), w.getMessage());
        assertTrue(error(running, SchedulerShutdownException.class).getMessage().contains("for 'running.png'"));
        assertEquals(List.of(List.of(1)), SchedulerTestSupport.tags(gpu0));
    }
}
