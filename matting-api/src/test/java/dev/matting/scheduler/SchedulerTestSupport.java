package dev.matting.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.Futures;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Shared helpers: waiting on futures with a hang guard and reading what fakes saw. */
final class SchedulerTestSupport {
    /** Only guards against a hung test; never a statement about speed. */
    static final long HANG_GUARD_SECONDS = 20;

    private SchedulerTestSupport() {
    }

    static float[] value(CompletableFuture<ModelOutput> f) {
        return Futures.value(f).plane();
    }

    static <T extends Throwable> T error(CompletableFuture<?> f, Class<T> type) {
        return Futures.error(f, type);
    }

    static void assertTag(int tag, CompletableFuture<ModelOutput> f) {
        assertEquals(tag, FakeBatchBackend.tagOf(value(f)), "alpha went to the wrong request");
    }

    /** Sizes of the passes over real inputs, in order. */
    static List<Integer> sizes(FakeBatchBackend b) {
        return b.requestPasses().stream().map(p -> p.tags().size()).toList();
    }

    static List<List<Integer>> tags(FakeBatchBackend b) {
        return b.requestPasses().stream().map(FakeBatchBackend.Pass::tags).toList();
    }

    /** Waits until {@code t} blocks; a hang guard fails the test after the guard time. */
    static void awaitBlocked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > end || !t.isAlive()) {
                throw new AssertionError(t.getName() + " never blocked (state " + t.getState() + ")");
            }
            Thread.sleep(1);
        }
    }
}
