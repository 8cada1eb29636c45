package dev.matting.api;

import static dev.matting.api.MatterRig.HANG_GUARD_SECONDS;
import static dev.matting.api.MatterRig.assertMatteOf;
import static dev.matting.api.MatterRig.bad;
import static dev.matting.api.MatterRig.error;
import static dev.matting.api.MatterRig.good;
import static dev.matting.api.MatterRig.noise;
import static dev.matting.api.MatterRig.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.InferenceException;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.scheduler.Overflow;
import dev.matting.scheduler.SchedulerStats;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.GatedImage;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The contracts {@link Matter} documents, end to end through {@link PipelineMatter}: the request timeout runs from the
 * call to the result, cancel stops work that has not started, the capacity counts every request in flight and holds
 * the producer (BLOCK) or refuses it (REJECT), {@code matteAll} paces itself, and close drains accepted work. Stages
 * are held with {@link GatedImage} (decode) and a paused {@link FakeBatchBackend} (forward pass), never with sleeps.
 */
class MatterContractsTest {

    private static ImageSource gated(String name, GatedImage image) {
        return ImageSource.of(name, image);
    }

    // ---------------------------------------------------------------- timeout: from the call to the result

    @Test
    void theTimeoutCountsTheWaitForACpuWorkerAndTheDecodeThenNeverRuns() throws Exception {
        GatedImage blocker = new GatedImage(64, 48, 0x400000);
        GatedImage late = new GatedImage(64, 48, 0x500000);
        try (MatterRig rig = MatterRig.open(o -> o.cpuThreads(1).requestTimeout(Duration.ofMillis(100)))) {
            CompletableFuture<Matte> first = rig.matter().submit(gated("blocker", blocker));
            blocker.awaitDecodeStarted(); // the only worker is busy
            CompletableFuture<Matte> second = rig.matter().submit(gated("late.png", late));
            SchedulerTimeoutException e = error(second, SchedulerTimeoutException.class);
            assertTrue(e.getMessage().contains("'late.png'") && e.getMessage().contains("100 ms")
                    && e.getMessage().contains("waiting for a CPU worker"), e.getMessage());
            blocker.open();
            late.open();
            error(first, SchedulerTimeoutException.class);
            awaitIdle(rig);
            assertFalse(late.decodeStarted(), "a request that had timed out was still decoded");
            assertEquals(0, rig.imagesRun(), "a request that had timed out reached the device");
            assertEquals(2, rig.matter().stats().timedOut());
        }
    }

    @Test
    void aTimeoutDuringTheDecodeFailsAtTheDeadlineAndTheRequestNeverReachesTheDevice() throws Exception {
        GatedImage slow = new GatedImage(64, 48, 0x600000);
        try (MatterRig rig = MatterRig.open(o -> o.requestTimeout(Duration.ofMillis(50)))) {
            CompletableFuture<Matte> f = rig.matter().submit(gated("slow.jpg", slow));
            SchedulerTimeoutException e = error(f, SchedulerTimeoutException.class);
            assertTrue(e.getMessage().contains("'slow.jpg'") && e.getMessage().contains("decoded"), e.getMessage());
            slow.open();
            awaitIdle(rig);
            assertEquals(0, rig.imagesRun());
            SchedulerStats stats = rig.matter().stats();
            assertEquals(1, stats.submitted());
            assertEquals(1, stats.timedOut());
            assertEquals(0, stats.pending());
        }
    }

    @Test
    void aTimeoutWhileQueuedForTheDeviceTakesTheRequestOutOfTheQueue() throws Exception {
        try (MatterRig rig = MatterRig.open(o -> o.maxBatchSize(1).requestTimeout(Duration.ofMillis(200)))) {
            rig.backend().pause();
            CompletableFuture<Matte> running = rig.matter().submit(good(1));
            rig.backend().awaitEntered(1);
            CompletableFuture<Matte> queued = rig.matter().submit(good(2));
            SchedulerTimeoutException q = error(queued, SchedulerTimeoutException.class);
            assertTrue(q.getMessage().contains("'img2'") && q.getMessage().contains("waiting for its forward pass"),
                    q.getMessage());
            SchedulerTimeoutException r = error(running, SchedulerTimeoutException.class);
            assertTrue(r.getMessage().contains("'img1'") && r.getMessage().contains("in its forward pass"),
                    r.getMessage());
            rig.backend().resume();
            awaitIdle(rig);
            assertEquals(1, rig.imagesRun(), "the request that timed out in the queue still ran");
            assertEquals(2, rig.matter().stats().timedOut());
        }
    }

    @Test
    void matteThrowsTheTimeoutOfARequestThatTookTooLong() {
        GatedImage slow = new GatedImage(64, 48, 0x700000);
        try (MatterRig rig = MatterRig.open(o -> o.requestTimeout(Duration.ofMillis(50)))) {
            SchedulerTimeoutException e = assertThrows(SchedulerTimeoutException.class,
                    () -> rig.matter().matte(gated("slow.png", slow)));
            assertTrue(e.getMessage().contains("'slow.png'"), e.getMessage());
            slow.open();
        }
    }

    // ---------------------------------------------------------------- cancel

    @Test
    void cancelBeforeTheDecodeStartsMeansTheDecodeNeverRuns() throws Exception {
        GatedImage blocker = new GatedImage(64, 48, 0x400000);
        GatedImage doomed = new GatedImage(64, 48, 0x500000);
        try (MatterRig rig = MatterRig.open(o -> o.cpuThreads(1))) {
            CompletableFuture<Matte> first = rig.matter().submit(gated("blocker", blocker));
            blocker.awaitDecodeStarted();
            CompletableFuture<Matte> second = rig.matter().submit(gated("doomed", doomed));
            assertTrue(second.cancel(true));
            assertTrue(second.isCancelled());
            blocker.open();
            doomed.open();
            value(first);
            awaitIdle(rig);
            assertFalse(doomed.decodeStarted(), "a cancelled request was still decoded");
            assertEquals(1, rig.imagesRun());
            SchedulerStats stats = rig.matter().stats();
            assertEquals(1, stats.cancelled());
            assertEquals(1, stats.succeeded());
        }
    }

    @Test
    void cancelWhileQueuedForTheDeviceMeansTheForwardPassNeverRuns() throws Exception {
        try (MatterRig rig = MatterRig.open(o -> o.maxBatchSize(1))) {
            rig.backend().pause();
            CompletableFuture<Matte> running = rig.matter().submit(good(1));
            rig.backend().awaitEntered(1);
            CompletableFuture<Matte> queued = rig.matter().submit(good(2));
            awaitQueued(rig, 1);
            assertTrue(queued.cancel(false));
            rig.backend().resume();
            assertMatteOf(noise(1), value(running));
            assertThrows(CancellationException.class, queued::join);
            awaitIdle(rig);
            assertEquals(1, rig.imagesRun(), "a cancelled request still ran on the device");
            assertEquals(1, rig.matter().stats().cancelled());
            assertEquals(1, rig.matter().stats().succeeded());
        }
    }

    @Test
    void cancelDuringTheForwardPassEndsTheFutureButTheRequestHoldsItsPlaceUntilThePassEnds() throws Exception {
        try (MatterRig rig = MatterRig.open(o -> o.queueCapacity(1).overflow(Overflow.REJECT))) {
            rig.backend().pause();
            CompletableFuture<Matte> running = rig.matter().submit(good(1));
            rig.backend().awaitEntered(1);
            assertTrue(running.cancel(true));
            assertTrue(running.isCancelled());
            // Its forward pass cannot be stopped, so its image is still held: the Matter is still full.
            error(rig.matter().submit(good(2)), SchedulerRejectedException.class);
            rig.backend().resume();
            awaitIdle(rig);
            assertMatteOf(noise(3), value(rig.matter().submit(good(3))));
            SchedulerStats stats = rig.matter().stats();
            assertEquals(1, stats.cancelled());
            assertEquals(1, stats.succeeded());
            assertEquals(1, stats.rejected());
        }
    }

    // ---------------------------------------------------------------- back-pressure

    @Test
    void blockHoldsTheProducerOnceCapacityRequestsAreInFlight() throws Exception {
        GatedImage a = new GatedImage(64, 48, 0x100000);
        GatedImage b = new GatedImage(64, 48, 0x200000);
        try (MatterRig rig = MatterRig.open(o -> o.queueCapacity(2).overflow(Overflow.BLOCK))) {
            // Both still decoding: neither has reached the scheduler, yet both count.
            CompletableFuture<Matte> fa = rig.matter().submit(gated("a", a));
            CompletableFuture<Matte> fb = rig.matter().submit(gated("b", b));
            AtomicReference<CompletableFuture<Matte>> third = new AtomicReference<>();
            Thread producer = new Thread(() -> third.set(rig.matter().submit(good(3))), "producer");
            producer.start();
            awaitBlocked(producer);
            assertNull(third.get(), "submit returned although the Matter was full");
            a.open();
            producer.join(HANG_GUARD_SECONDS * 1000);
            b.open();
            value(fa);
            value(fb);
            assertMatteOf(noise(3), value(third.get()));
            assertEquals(0, rig.matter().stats().rejected());
        }
    }

    @Test
    void rejectFailsTheSubmitAtOnceOnceCapacityRequestsAreInFlight() throws Exception {
        GatedImage a = new GatedImage(64, 48, 0x100000);
        try (MatterRig rig = MatterRig.open(o -> o.queueCapacity(2).overflow(Overflow.REJECT))) {
            rig.backend().pause();
            CompletableFuture<Matte> running = rig.matter().submit(good(1));
            CompletableFuture<Matte> decoding = rig.matter().submit(gated("a", a));
            CompletableFuture<Matte> over = rig.matter().submit(good(3));
            assertTrue(over.isCompletedExceptionally(), "the refusal must be immediate");
            SchedulerRejectedException e = error(over, SchedulerRejectedException.class);
            assertTrue(e.getMessage().contains("'img3'") && e.getMessage().contains("2 requests in flight"),
                    e.getMessage());
            a.open();
            rig.backend().resume();
            value(running);
            value(decoding);
            SchedulerStats stats = rig.matter().stats();
            assertEquals(2, stats.submitted());
            assertEquals(1, stats.rejected());
        }
    }

    @Test
    void matteAllPacesItselfWithinTheCapacityAndNeverRejectsItsOwnItems() {
        try (MatterRig rig = MatterRig.open(o -> o.queueCapacity(2).overflow(Overflow.REJECT).maxBatchSize(8))) {
            List<ImageSource> sources = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                sources.add(i == 7 ? bad(i) : good(i));
            }
            List<MatteResult> results = rig.matter().matteAll(sources);
            for (int i = 0; i < sources.size(); i++) {
                if (i == 7) {
                    assertInstanceOf(ImageDecodeException.class, results.get(i).error());
                } else {
                    assertMatteOf(noise(i), results.get(i).orThrow());
                }
            }
            assertEquals(0, rig.matter().stats().rejected());
            assertTrue(rig.backend().requestPasses().stream().allMatch(p -> p.tags().size() <= 2),
                    "more than the capacity was in flight: " + rig.backend().requestPasses());
        }
    }

    @Test
    void aSubmitFromTheMattersOwnThreadIsRefusedRatherThanBlockedWhenFull() throws Exception {
        GatedImage failing = new GatedImage(64, 48, 0x100000);
        try (MatterRig rig = MatterRig.open(o -> o.queueCapacity(2).overflow(Overflow.BLOCK))) {
            rig.backend().pause();
            CompletableFuture<Matte> holder = rig.matter().submit(good(1));
            rig.backend().awaitEntered(1);
            CompletableFuture<Matte> first = rig.matter().submit(gated("failing", failing));
            List<CompletableFuture<Matte>> fromCallback = new ArrayList<>();
            CompletableFuture<Void> callback = first.handle((m, e) -> {
                // runs on the worker that failed it: room for one, then full
                fromCallback.add(rig.matter().submit(good(2)));
                fromCallback.add(rig.matter().submit(good(3)));
                return null;
            });
            failing.fail();
            callback.get(HANG_GUARD_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            SchedulerRejectedException e = error(fromCallback.get(1), SchedulerRejectedException.class);
            assertTrue(e.getMessage().contains("own threads"), e.getMessage());
            rig.backend().resume();
            value(holder);
            assertMatteOf(noise(2), value(fromCallback.get(0)));
        }
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeLetsAcceptedWorkFinishEvenWhileItIsStillDecodingAndRefusesNewWork() throws Exception {
        List<GatedImage> images = new ArrayList<>();
        List<CompletableFuture<Matte>> futures = new ArrayList<>();
        MatterRig rig = MatterRig.open(o -> o.cpuThreads(1));
        for (int i = 0; i < 5; i++) {
            GatedImage img = new GatedImage(64, 48, 0x100000 * (i + 1));
            images.add(img);
            futures.add(rig.matter().submit(gated("held" + i, img)));
        }
        images.get(0).awaitDecodeStarted();
        Thread closer = new Thread(rig.matter()::close, "closer");
        closer.start();
        awaitBlocked(closer);
        SchedulerRejectedException e = error(rig.matter().submit(good(9)), SchedulerRejectedException.class);
        assertTrue(e.getMessage().contains("'img9'") && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(SchedulerRejectedException.class, () -> rig.matter().matte(good(10)));
        assertThrows(SchedulerRejectedException.class, () -> rig.matter().matteAll(List.of(good(11))));
        assertFalse(rig.backend().isClosed(), "the backend closed while accepted work was still decoding");
        images.forEach(GatedImage::open);
        closer.join(HANG_GUARD_SECONDS * 1000);
        assertFalse(closer.isAlive());
        for (int i = 0; i < 5; i++) {
            Matte m = value(futures.get(i));
            assertEquals(0x10 * (i + 1), m.alpha(0, 0));
        }
        assertTrue(rig.backend().isClosed());
        assertEquals(5, rig.matter().stats().succeeded());
    }

    @Test
    void workStillUnfinishedWhenTheDrainRunsOutFailsNamingItsInput() throws Exception {
        Set<String> before = MatterRig.mattingThreads();
        GatedImage stuck = new GatedImage(64, 48, 0x100000);
        MatterRig rig = MatterRig.open(o -> o.drainTimeout(Duration.ofMillis(100)).maxBatchSize(1));
        rig.backend().pause();
        CompletableFuture<Matte> onDevice = rig.matter().submit(good(1));
        rig.backend().awaitEntered(1);
        CompletableFuture<Matte> queued = rig.matter().submit(good(2));
        CompletableFuture<Matte> decoding = rig.matter().submit(gated("stuck.png", stuck));
        stuck.awaitDecodeStarted();
        // The test lets go of the device and the decode only once their requests have failed: close must not wait.
        decoding.whenComplete((m, e) -> stuck.open());
        onDevice.whenComplete((m, e) -> rig.backend().resume());
        rig.matter().close();
        SchedulerShutdownException d = error(decoding, SchedulerShutdownException.class);
        assertTrue(d.getMessage().contains("'stuck.png'") && d.getMessage().contains("decoded")
                && d.getMessage().contains("100 ms"), d.getMessage());
        assertTrue(error(queued, SchedulerShutdownException.class).getMessage().contains("'img2'"));
        assertTrue(error(onDevice, SchedulerShutdownException.class).getMessage().contains("'img1'"));
        assertEquals(1, rig.imagesRun(), "a request failed by the drain still ran");
        assertTrue(rig.backend().isClosed());
        assertEquals(3, rig.matter().stats().failed());
        Set<String> left = MatterRig.mattingThreads();
        left.removeAll(before);
        assertEquals(Set.of(), left, "threads left after close");
    }

    @Test
    void aProducerBlockedForRoomIsReleasedAndRefusedByClose() throws Exception {
        MatterRig rig = MatterRig.open(o -> o.queueCapacity(1).overflow(Overflow.BLOCK));
        rig.backend().pause();
        CompletableFuture<Matte> running = rig.matter().submit(good(1));
        rig.backend().awaitEntered(1);
        AtomicReference<CompletableFuture<Matte>> blocked = new AtomicReference<>();
        Thread producer = new Thread(() -> blocked.set(rig.matter().submit(good(2))), "producer");
        producer.start();
        awaitBlocked(producer);
        Thread closer = new Thread(rig.matter()::close, "closer");
        closer.start();
        producer.join(HANG_GUARD_SECONDS * 1000);
        assertTrue(error(blocked.get(), SchedulerRejectedException.class).getMessage().contains("closed"));
        rig.backend().resume();
        closer.join(HANG_GUARD_SECONDS * 1000);
        assertMatteOf(noise(1), value(running));
    }

    // ---------------------------------------------------------------- bad items and names

    @Test
    void aNullItemInMatteAllFailsAloneNamingItsIndex() {
        try (MatterRig rig = MatterRig.open(o -> o)) {
            List<MatteResult> results = rig.matter().matteAll(Arrays.asList(good(0), null, good(2)));
            assertMatteOf(noise(0), results.get(0).orThrow());
            ImageDecodeException e = assertInstanceOf(ImageDecodeException.class, results.get(1).error());
            assertTrue(e.getMessage().contains("sources[1]") && e.getMessage().contains("null"), e.getMessage());
            assertNull(results.get(1).source());
            assertMatteOf(noise(2), results.get(2).orThrow());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> rig.matter().matteAll(null));
            assertEquals("sources", npe.getMessage());
        }
    }

    @Test
    void aForwardPassErrorNamesTheInput() {
        // The echo backend's tag is the first three red values; poison the one of a red-0x05 image.
        int tag = 0x05 | 0x05 << 8 | 0x05 << 16;
        try (MatterRig rig = MatterRig.open(o -> o,
                FakeBatchBackend.builder(Device.cpu()).echo(true).poison(Set.of(tag)))) {
            BufferedImage img = new GatedImage(64, 48, 0x050000);
            ((GatedImage) img).open();
            InferenceException e = assertThrows(InferenceException.class,
                    () -> rig.matter().matte(ImageSource.of("poisoned.png", img)));
            assertTrue(e.getMessage().contains("'poisoned.png'"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Waits until every request has ended and left the Matter (a hang guard, not a timing check). */
    private static void awaitIdle(MatterRig rig) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD_SECONDS * 1_000_000_000L;
        while (rig.matter().inFlight() > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("requests still in flight: " + rig.matter().inFlight());
            }
            Thread.sleep(1);
        }
    }

    private static void awaitQueued(MatterRig rig, int n) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD_SECONDS * 1_000_000_000L;
        while (rig.matter().stats().queueDepth() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never " + n + " queued: " + rig.matter().stats());
            }
            Thread.sleep(1);
        }
    }

    private static void awaitBlocked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + HANG_GUARD_SECONDS * 1_000_000_000L;
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > end || !t.isAlive()) {
                throw new AssertionError(t.getName() + " never blocked (state " + t.getState() + ")");
            }
            Thread.sleep(1);
        }
    }
}
