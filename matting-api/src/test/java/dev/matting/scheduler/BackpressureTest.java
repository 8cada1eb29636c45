package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.awaitBlocked;
import static dev.matting.scheduler.SchedulerTestSupport.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A bounded queue: BLOCK holds the producer back, REJECT fails the future with a typed error. */
class BackpressureTest {
    private final FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).build();

    private MattingScheduler.Builder builder(Overflow overflow) {
        return MattingScheduler.builder().lane(gpu).maxBatchSize(1).queueCapacity(2).overflow(overflow)
                .maxDelay(Duration.ZERO).completionExecutor(Runnable::run);
    }

    @Test
    void rejectFailsTheFutureWhenTheQueueIsFull() throws InterruptedException {
        try (MattingScheduler s = builder(Overflow.REJECT).build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            CompletableFuture<ModelOutput> q1 = s.submit(FakeBatchBackend.input(2, 4, 4));
            CompletableFuture<ModelOutput> q2 = s.submit(FakeBatchBackend.input(3, 4, 4));
            CompletableFuture<ModelOutput> over = s.submit(FakeBatchBackend.input(4, 4, 4));
            SchedulerRejectedException e = error(over, SchedulerRejectedException.class);
            assertTrue(e.getMessage().contains("queue is full"), e.getMessage());
            assertEquals(2, s.stats().queueDepth());
            gpu.resume();
            assertTag(1, running);
            assertTag(2, q1);
            assertTag(3, q2);
            assertEquals(1, s.stats().rejected());
            assertFalse(gpu.requestPasses().stream().anyMatch(p -> p.tags().contains(4)));
        }
    }

    @Test
    void blockHoldsTheSubmitterUntilThereIsRoom() throws Exception {
        try (MattingScheduler s = builder(Overflow.BLOCK).build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> running = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            CompletableFuture<ModelOutput> q1 = s.submit(FakeBatchBackend.input(2, 4, 4));
            CompletableFuture<ModelOutput> q2 = s.submit(FakeBatchBackend.input(3, 4, 4));
            AtomicReference<CompletableFuture<ModelOutput>> blocked = new AtomicReference<>();
            Thread producer = new Thread(() -> blocked.set(s.submit(FakeBatchBackend.input(4, 4, 4))), "producer");
            producer.start();
            awaitBlocked(producer);
            assertNull(blocked.get(), "submit returned although the queue was full");
            gpu.resume();
            producer.join(SchedulerTestSupport.HANG_GUARD_SECONDS * 1000);
            assertTag(1, running);
            assertTag(2, q1);
            assertTag(3, q2);
            assertTag(4, blocked.get());
            assertEquals(0, s.stats().rejected());
        }
    }

    @Test
    void aBlockedSubmitterIsReleasedAndRejectedByShutdown() throws Exception {
        MattingScheduler s = builder(Overflow.BLOCK).build();
        gpu.pause();
        s.submit(FakeBatchBackend.input(1, 4, 4));
        gpu.awaitEntered(1);
        s.submit(FakeBatchBackend.input(2, 4, 4));
        s.submit(FakeBatchBackend.input(3, 4, 4));
        AtomicReference<CompletableFuture<ModelOutput>> blocked = new AtomicReference<>();
        Thread producer = new Thread(() -> blocked.set(s.submit(FakeBatchBackend.input(4, 4, 4))), "producer");
        producer.start();
        awaitBlocked(producer);
        s.shutdown(Duration.ofMinutes(1));
        producer.join(SchedulerTestSupport.HANG_GUARD_SECONDS * 1000);
        error(blocked.get(), SchedulerRejectedException.class);
        gpu.resume();
        assertTrue(s.awaitTermination(Duration.ofSeconds(SchedulerTestSupport.HANG_GUARD_SECONDS)));
    }
}
