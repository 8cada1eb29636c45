package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.testing.FakeBatchBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The streaming batch API over a real pipeline and scheduler with a fast fake backend. */
@Timeout(120)
class BatchJobTest {

    private static Stream<ImageSource> images(long n) {
        return LongStream.range(0, n).mapToObj(FakeMatters::image);
    }

    @Test
    void completionOrderDeliversEveryInputOnceWithItsOwnMatte() {
        int n = 600;
        Map<Long, BatchItem> seen = new ConcurrentHashMap<>();
        List<BatchProgress> progress = Collections.synchronizedList(new ArrayList<>());
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchSummary s = BatchJob.builder(matter).sources(images(n)).total(n).maxInFlight(24)
                    .sink(item -> assertEquals(null, seen.put(item.index(), item), "delivered twice: " + item.index()))
                    .listener(progress::add).build().run();
            assertEquals(new BatchSummary(n, 0, 0, 0, s.elapsed(), false), s);
        }
        assertEquals(n, seen.size());
        seen.forEach((i, item) -> {
            assertEquals(BatchItem.Status.OK, item.status());
            assertEquals("img" + i, item.source().name());
            assertEquals(FakeMatters.width(i), item.matte().width(), "input " + i + " got another input's matte");
            assertEquals(FakeMatters.height(i), item.matte().height());
        });
        assertEquals(n, progress.size(), "one progress call per input");
        for (int k = 1; k < progress.size(); k++) {
            assertEquals(progress.get(k - 1).processed() + 1, progress.get(k).processed(), "progress went back");
        }
        BatchProgress last = progress.get(n - 1);
        assertEquals(1.0, last.fraction().orElseThrow());
        assertEquals(Duration.ZERO, last.eta().orElseThrow());
        assertTrue(last.imagesPerSecond() > 0);
    }

    @Test
    void inputOrderDeliversOneAtATimeInIndexOrder() {
        List<Long> order = Collections.synchronizedList(new ArrayList<>());
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchJob.builder(matter).sources(images(300)).order(ResultOrder.INPUT).maxInFlight(16)
                    .sink(item -> order.add(item.index())).build().run();
        }
        assertEquals(LongStream.range(0, 300).boxed().toList(), order);
    }

    @Test
    void aBadInputFailsAloneWithItsTypedError() {
        List<ImageSource> sources = new ArrayList<>(images(20).toList());
        sources.set(7, ImageSource.of("broken.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}));
        Map<Long, BatchItem> seen = new ConcurrentHashMap<>();
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchSummary s = BatchJob.builder(matter).sources(sources).sink(i -> seen.put(i.index(), i)).build().run();
            assertEquals(19, s.succeeded());
            assertEquals(1, s.failed());
            assertTrue(!s.allSucceeded());
        }
        BatchItem bad = seen.get(7L);
        assertEquals(BatchItem.Status.FAILED, bad.status());
        assertInstanceOf(ImageDecodeException.class, bad.error());
        assertTrue(bad.reason().contains("broken.jpg"), bad.reason());
        assertEquals(19, seen.values().stream().filter(i -> i.status() == BatchItem.Status.OK).count());
    }

    @Test
    void neverMoreThanMaxInFlightAreSubmittedAndNotDelivered() {
        AtomicLong delivered = new AtomicLong();
        AtomicLong maxOutstanding = new AtomicLong();
        try (CountingMatter matter = new CountingMatter(FakeMatters.rig().matter())) {
            BatchJob.builder(matter).sources(images(2_000)).maxInFlight(10).sink(item -> {
                maxOutstanding.accumulateAndGet(matter.submitted.get() - delivered.get(), Math::max);
                delivered.incrementAndGet();
            }).build().run();
            assertEquals(2_000, matter.submitted.get());
        }
        assertTrue(maxOutstanding.get() <= 10, "outstanding reached " + maxOutstanding.get());
    }

    @Test
    void cancelStopsFeedingCancelsWhatIsInFlightAndEndsWithASummary() throws Exception {
        FakeBatchBackend backend = FakeBatchBackend.builder(Device.cpu()).measurable(false).build();
        backend.pause();
        AtomicBoolean streamClosed = new AtomicBoolean();
        List<BatchItem> items = Collections.synchronizedList(new ArrayList<>());
        try (CountingMatter matter = new CountingMatter(FakeMatters.rig(backend).matter())) {
            BatchRun run = BatchJob.builder(matter).sources(images(100_000).onClose(() -> streamClosed.set(true)))
                    .maxInFlight(12).sink(items::add).build().start();
            backend.awaitEntered(1);
            while (matter.submitted.get() < 12) {
                Thread.sleep(5);
            }
            run.cancel();
            long atCancel = matter.submitted.get();
            BatchSummary s = run.await(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError("did not end"));
            backend.resume();
            assertTrue(s.wasCancelled());
            assertTrue(run.isDone() && run.isCancelled());
            assertTrue(matter.submitted.get() <= atCancel + 1, "fed after cancel: " + matter.submitted.get());
            assertEquals(matter.submitted.get(), s.processed(), "every submitted input has an outcome: " + s);
            assertTrue(s.cancelled() >= 1, s.toString());
            assertEquals(s.processed(), items.size());
            assertTrue(items.stream().filter(i -> i.status() == BatchItem.Status.CANCELLED)
                    .allMatch(i -> i.reason().contains("cancelled") && i.reason().contains(i.source().name())));
            assertTrue(streamClosed.get(), "the source stream is closed when the job ends");
        }
    }

    @Test
    void aSinkThatThrowsFailsThatItemOnly() {
        AtomicReference<BatchProgress> last = new AtomicReference<>();
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchSummary s = BatchJob.builder(matter).sources(images(30).toList()).sink(item -> {
                if (item.index() == 3) {
                    throw new java.io.IOException("disk full");
                }
            }).listener(last::set).build().run();
            assertEquals(29, s.succeeded());
            assertEquals(1, s.failed());
            assertEquals(30, last.get().total().orElseThrow(), "a collection's size is the total");
        }
    }

    @Test
    void aJobRunsOnceAndNeedsInputs() {
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchJob job = BatchJob.builder(matter).sources(List.of(FakeMatters.image(1))).build();
            job.run();
            assertThrows(IllegalStateException.class, job::start);
            assertThrows(IllegalArgumentException.class, () -> BatchJob.builder(matter).build());
            assertThrows(IllegalArgumentException.class, () -> BatchJob.builder(matter).maxInFlight(0));
            assertThrows(IllegalArgumentException.class,
                    () -> BatchJob.builder(matter).sources(List.of()).watch(true).build());
        }
    }

    @Test
    void aClosedMatterFailsEachInputWithItsReason() {
        Matter matter = FakeMatters.rig().matter();
        matter.close();
        BatchSummary s = BatchJob.builder(matter).sources(images(5)).build().run();
        assertEquals(5, s.failed());
    }
}
