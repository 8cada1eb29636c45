package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.InferenceException;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeTicker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Per-request timeouts on a fake ticker, and cancellation before a request starts. */
class TimeoutAndCancellationTest {
    private final FakeTicker ticker = new FakeTicker();
    private final FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).build();

    private MattingScheduler.Builder builder() {
        return MattingScheduler.builder().lane(gpu).ticker(ticker).maxBatchSize(1).maxDelay(Duration.ZERO);
    }

    private boolean ran(int tag) {
        return gpu.requestPasses().stream().anyMatch(p -> p.tags().contains(tag));
    }

    @Test
    void aRequestStillWaitingAtItsDeadlineFailsAndNeverRuns() throws InterruptedException {
        try (MattingScheduler s = builder().build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            CompletableFuture<ModelOutput> waiting = s.submit(FakeBatchBackend.input(2, 4, 4), Duration.ofMillis(50));
            ticker.advance(Duration.ofMillis(50));
            SchedulerTimeoutException e = error(waiting, SchedulerTimeoutException.class);
            assertTrue(e.getMessage().contains("waiting"), e.getMessage());
            gpu.resume();
            assertTag(1, running);
            assertFalse(ran(2));
            assertEquals(1, s.stats().timedOut());
        }
    }

    @Test
    void aRequestStillRunningAtItsDeadlineFailsAndIgnoresItsLateAlpha() throws InterruptedException {
        try (MattingScheduler s = builder().requestTimeout(Duration.ofMillis(50)).build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            ticker.advance(Duration.ofMillis(60));
            SchedulerTimeoutException e = error(running, SchedulerTimeoutException.class);
            assertTrue(e.getMessage().contains("running"), e.getMessage());
            gpu.resume();
            CompletableFuture<ModelOutput> next = s.submit(FakeBatchBackend.input(2, 4, 4));
            assertTag(2, next);
            error(running, SchedulerTimeoutException.class);
            assertTrue(ran(1));
        }
    }

    @Test
    void aRequestDoneBeforeItsDeadlineIsNotTouched() {
        try (MattingScheduler s = builder().build()) {
            CompletableFuture<ModelOutput> f = s.submit(FakeBatchBackend.input(1, 4, 4), Duration.ofMillis(50));
            assertTag(1, f);
            ticker.advance(Duration.ofMillis(100));
            assertTag(1, f);
            assertEquals(0, s.stats().timedOut());
        }
    }

    @Test
    void finishedRequestsAreNotKeptAliveUntilTheirDeadline() {
        try (MattingScheduler s = builder().requestTimeout(Duration.ofDays(1)).build()) {
            CompletableFuture<ModelOutput> a = s.submit(FakeBatchBackend.input(1, 4, 4));
            CompletableFuture<ModelOutput> b = s.submit(FakeBatchBackend.input(2, 4, 4), Duration.ofDays(365_000_000));
            assertTag(1, a);
            assertTag(2, b);
            assertEquals(0, ((DefaultMattingScheduler) s).watchedDeadlines());
        }
    }

    @Test
    void rejectsANonPositivePerRequestTimeout() {
        try (MattingScheduler s = builder().build()) {
            assertThrows(IllegalArgumentException.class,
                    () -> s.submit(FakeBatchBackend.input(1, 4, 4), Duration.ZERO));
        }
    }

    @Test
    void aCancelledQueuedRequestIsDroppedAndNeverRuns() throws InterruptedException {
        try (MattingScheduler s = builder().build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            CompletableFuture<ModelOutput> doomed = s.submit(FakeBatchBackend.input(2, 4, 4));
            CompletableFuture<ModelOutput> kept = s.submit(FakeBatchBackend.input(3, 4, 4));
            assertTrue(doomed.cancel(false));
            assertEquals(1, s.stats().queueDepth());
            assertFalse(running.cancel(true), "a request on the device cannot be cancelled");
            gpu.resume();
            assertTag(1, running);
            assertTag(3, kept);
            assertThrows(CancellationException.class, doomed::join);
            assertFalse(ran(2));
            assertEquals(1, s.stats().cancelled());
            assertEquals(2, s.stats().succeeded());
        }
    }

    @Test
    void aCancelledRequestHasLeftTheQueueAndIsCountedByTheTimeItsCallerSeesIt() throws InterruptedException {
        try (MattingScheduler s = builder().queueCapacity(1).overflow(Overflow.REJECT).build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            CompletableFuture<ModelOutput> doomed = s.submit(FakeBatchBackend.input(2, 4, 4));
            AtomicReference<String> seen = new AtomicReference<>();
            AtomicReference<CompletableFuture<ModelOutput>> next = new AtomicReference<>();
            doomed.whenComplete((v, e) -> {
                SchedulerStats stats = s.stats();
                seen.set("queue " + stats.queueDepth() + ", cancelled " + stats.cancelled());
                next.set(s.submit(FakeBatchBackend.input(3, 4, 4))); // its place must be free already
            });
            assertTrue(doomed.cancel(false));
            assertEquals("queue 0, cancelled 1", seen.get());
            gpu.resume();
            assertTag(1, running);
            assertTag(3, next.get());
            assertEquals(0, s.stats().rejected());
        }
    }

    @Test
    void errorsNameTheInputByItsLabel() throws InterruptedException {
        FakeBatchBackend poisoned = FakeBatchBackend.builder(Device.gpu(0)).poison(Set.of(7)).build();
        try (MattingScheduler s = MattingScheduler.builder().lane(poisoned).ticker(ticker).maxBatchSize(1)
                .maxDelay(Duration.ZERO).queueCapacity(1).overflow(Overflow.REJECT).build()) {
            InferenceException failed = error(s.submit(FakeBatchBackend.input(7, 4, 4), "portrait.jpg"),
                    InferenceException.class);
            assertTrue(failed.getMessage().contains("for 'portrait.jpg' (4x4 input)")
                    && failed.getMessage().contains("poisoned"), failed.getMessage());
            poisoned.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4), "running.png");
            poisoned.awaitEntered(2);
            CompletableFuture<ModelOutput> late = s.submit(FakeBatchBackend.input(2, 4, 4), "late.png",
                    Duration.ofMillis(50));
            assertTrue(error(s.submit(FakeBatchBackend.input(3, 4, 4), "full.png"), SchedulerRejectedException.class)
                    .getMessage().contains("for 'full.png'"));
            ticker.advance(Duration.ofMillis(50));
            assertTrue(error(late, SchedulerTimeoutException.class).getMessage().contains("for 'late.png'"));
            poisoned.resume();
            assertTag(1, running);
        }
    }
}
