package dev.matting.model;

import static dev.matting.model.ModelServer.corrupted;
import static dev.matting.model.ModelServer.ok;
import static dev.matting.model.ModelServer.silent;
import static dev.matting.model.ModelServer.stall;
import static dev.matting.model.ModelServer.status;
import static dev.matting.model.ModelServer.truncated;
import static dev.matting.model.StoreFixtures.FILE;
import static dev.matting.model.StoreFixtures.partFiles;
import static dev.matting.model.StoreFixtures.quickStore;
import static dev.matting.model.StoreFixtures.sha256;
import static dev.matting.model.StoreFixtures.tinyBytes;
import static dev.matting.model.StoreFixtures.tinyEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a loopback server that serves the tiny model's real ONNX bytes, and misbehaves on request. */
class ModelStoreDownloadTest {
    @TempDir
    Path cache;
    ModelServer server;
    byte[] bytes;

    @BeforeEach
    void start() throws Exception {
        server = ModelServer.start();
        bytes = tinyBytes();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path target() {
        return cache.resolve("tiny").resolve(FILE);
    }

    @Test
    void downloadsVerifiesCachesAndDoesNotAskAgain() throws Exception {
        server.on("/m/" + FILE, ok(bytes));
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build();

        ModelSpec spec = store.resolve("tiny");

        assertEquals("tiny", spec.name());
        assertEquals(target(), spec.requireFile(dev.matting.model.ModelFormat.ONNX, Precision.FP32));
        assertArrayEquals(bytes, Files.readAllBytes(target()));
        assertEquals(1, server.hits("/m/" + FILE));
        assertEquals(0, partFiles(target().getParent()));

        store.resolve("tiny");
        quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build().resolve("tiny"); // another store, same cache
        assertEquals(1, server.hits("/m/" + FILE), "a cached, verified file must not be fetched again");
    }

    @Test
    void aWrongDigestIsNeverKeptAndTheErrorNamesBothDigests() throws Exception {
        server.on("/m/" + FILE, corrupted(bytes));
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build();

        ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));

        byte[] bad = bytes.clone();
        bad[bad.length / 2] ^= 0x5A;
        String msg = e.getMessage();
        assertTrue(msg.contains("'tiny'") && msg.contains(FILE) && msg.contains(server.url("/m/" + FILE).toString()), msg);
        assertTrue(msg.contains("sha256 expected " + sha256(bytes) + ", got " + sha256(bad)), msg);
        assertTrue(msg.contains("3 attempts"), msg);
        assertEquals(3, server.hits("/m/" + FILE), "a wrong digest is retried (retries = 2)");
        assertFalse(Files.exists(target()), "a file with a wrong digest must never be kept");
        assertEquals(0, partFiles(target().getParent()));
    }

    @Test
    void aTruncatedBodyIsRetriedAndFailsWhenItAlwaysIs() throws Exception {
        server.on("/m/" + FILE, truncated(bytes, bytes.length / 3));
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build();

        ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));

        assertEquals(3, server.hits("/m/" + FILE));
        assertTrue(e.getMessage().contains("3 attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("of " + bytes.length + " bytes"), e.getMessage());
        assertFalse(Files.exists(target()));
        assertEquals(0, partFiles(target().getParent()));
    }

    @Test
    void aTruncatedBodyOnceThenAGoodOneSucceeds() throws Exception {
        server.on("/m/" + FILE, truncated(bytes, 1000), ok(bytes));
        quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build().resolve("tiny");
        assertEquals(2, server.hits("/m/" + FILE));
        assertArrayEquals(bytes, Files.readAllBytes(target()));
    }

    @Test
    void aFlakyServerFailingOnceThenServingSucceeds() throws Exception {
        server.on("/m/" + FILE, status(503), ok(bytes));
        quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build().resolve("tiny");
        assertEquals(2, server.hits("/m/" + FILE));
        assertArrayEquals(bytes, Files.readAllBytes(target()));
    }

    @Test
    void notFoundIsAskedOnceAndSaysSo() throws Exception {
        server.on("/m/" + FILE, status(404));
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build();

        ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));

        assertEquals(1, server.hits("/m/" + FILE), "a 404 is not retried");
        String msg = e.getMessage();
        assertTrue(msg.contains("HTTP 404 (not found)") && msg.contains("1 attempt") && msg.contains("not retried"), msg);
        assertTrue(msg.contains(server.url("/m/" + FILE).toString()) && msg.contains(target().toString()), msg);
    }

    @Test
    void aStalledBodyTimesOutWithinTheReadTimeoutAndIsRetried() throws Exception {
        server.on("/m/" + FILE, stall(bytes, 100_000));
        List<long[]> attempts = new CopyOnWriteArrayList<>();
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).retries(1)
                .readTimeout(Duration.ofMillis(500)).listener(timer(attempts)).build();

        long t0 = System.nanoTime();
        ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));
        long total = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(2, server.hits("/m/" + FILE));
        assertTrue(e.getMessage().contains("stalled: no data for 500 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("2 attempts"), e.getMessage());
        assertEquals(2, attempts.size());
        for (long[] a : attempts) {
            long ms = (a[1] - a[0]) / 1_000_000;
            assertTrue(ms >= 450 && ms < 5_000, "one attempt took " + ms + " ms with a 500 ms read timeout");
        }
        assertTrue(total < 10_000, "two stalled attempts took " + total + " ms");
        assertFalse(Files.exists(target()));
        assertEquals(0, partFiles(target().getParent()));
    }

    @Test
    void aServerThatNeverAnswersTimesOutToo() throws Exception {
        server.on("/m/" + FILE, silent(), ok(bytes));
        List<long[]> attempts = new CopyOnWriteArrayList<>();
        quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).readTimeout(Duration.ofMillis(500))
                .listener(timer(attempts)).build().resolve("tiny");
        assertTrue(server.hits("/m/" + FILE) >= 2, "the silent attempt must be retried");
        long first = (attempts.get(0)[1] - attempts.get(0)[0]) / 1_000_000;
        assertTrue(first >= 450 && first < 5_000, "waiting for headers took " + first + " ms with a 500 ms read timeout");
        assertArrayEquals(bytes, Files.readAllBytes(target()));
    }

    @Test
    void aBodyLongerThanTheFileIsCutOffAndRejected() throws Exception {
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 10);
        server.on("/m/" + FILE, ok(longer));
        ModelException e = assertThrows(ModelException.class,
                () -> quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).retries(0).build().resolve("tiny"));
        assertTrue(e.getMessage().contains("announces " + longer.length + " bytes"), e.getMessage());
        assertFalse(Files.exists(target()));
    }

    @Test
    void aMirrorIsAskedForTheFileNameInsteadOfTheUpstreamUrl() throws Exception {
        server.on("/mirror/" + FILE, ok(bytes));
        // the upstream URL points at a closed port: only the mirror can succeed
        CatalogEntry entry = tinyEntry("tiny", URI.create("http://127.0.0.1:9/unreachable/" + FILE));
        ModelStore store = quickStore(cache, entry).mirror(server.url("/mirror")).build();

        store.resolve("tiny");

        assertEquals(1, server.hits("/mirror/" + FILE));
        assertArrayEquals(bytes, Files.readAllBytes(target()));
        assertEquals(server.url("/mirror/" + FILE), store.sourceOf(entry.files().get(0)));
    }

    @Test
    void aFileMirrorFolderWorksLikeAnHttpOne(@TempDir Path folder) throws Exception {
        Files.write(folder.resolve(FILE), bytes);
        CatalogEntry entry = tinyEntry("tiny", URI.create("http://127.0.0.1:9/unreachable/" + FILE));
        quickStore(cache, entry).mirror(folder.toUri()).build().resolve("tiny");
        assertArrayEquals(bytes, Files.readAllBytes(target()));
    }

    @Test
    void aDescriptorTheParserRejectsFailsBeforeAnythingIsDownloaded() {
        server.on("/m/" + FILE, ok(bytes));
        byte[] b = bytes;
        CatalogEntry broken = CatalogEntry.builder("broken").file(ModelFile.of(FILE, server.url("/m/" + FILE), b.length,
                sha256(b), null)).descriptor(StoreFixtures.tinyDescriptor("broken").replace("longest-side", "no-such-kind"))
                .build();
        ModelException e = assertThrows(ModelException.class, () -> quickStore(cache, broken).build().resolve("broken"));
        assertTrue(e.getMessage().contains("no-such-kind"), e.getMessage());
        assertEquals(0, server.hits("/m/" + FILE));
    }

    @Test
    void anUnknownNameListsTheCatalogue() {
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).build();
        ModelException e = assertThrows(ModelException.class, () -> store.resolve("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[tiny]"), e.getMessage());
    }

    @Test
    void aCustomEntryResolvesWhateverTheCatalogueHolds() throws Exception {
        server.on("/m/" + FILE, ok(bytes));
        ModelStore store = quickStore(cache).build(); // an empty catalogue
        ModelSpec spec = store.resolve(tinyEntry("custom", server.url("/m/" + FILE)));
        assertEquals("custom", spec.name());
        assertTrue(Files.isRegularFile(cache.resolve("custom").resolve(FILE)));
    }

    @Test
    void theListenerHearsEachStepOnTheResolvingThread() throws Exception {
        server.on("/m/" + FILE, status(500), ok(bytes));
        List<DownloadEvent> events = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).listener(e -> {
            events.add(e);
            threads.add(Thread.currentThread());
        }).build();

        store.resolve("tiny");

        assertTrue(threads.stream().allMatch(t -> t == Thread.currentThread()), "listener ran on " + threads);
        List<DownloadEvent.Kind> kinds = events.stream().map(DownloadEvent::kind).toList();
        assertEquals(List.of(DownloadEvent.Kind.STARTED, DownloadEvent.Kind.RETRYING, DownloadEvent.Kind.STARTED),
                kinds.subList(0, 3));
        assertEquals(DownloadEvent.Kind.COMPLETED, kinds.get(kinds.size() - 1));
        DownloadEvent retry = events.get(1);
        assertEquals(1, retry.attempt());
        assertEquals(3, retry.maxAttempts());
        assertTrue(retry.failure().orElseThrow().contains("HTTP 500"), retry.toString());
        List<DownloadEvent> progress = events.stream().filter(e -> e.kind() == DownloadEvent.Kind.PROGRESS).toList();
        assertTrue(progress.size() >= 2, "progress events: " + progress.size());
        long last = 0;
        for (DownloadEvent p : progress) {
            assertTrue(p.bytes() > last, "progress must grow: " + progress);
            assertEquals(bytes.length, p.totalBytes());
            assertEquals(2, p.attempt());
            last = p.bytes();
        }
        assertEquals(bytes.length, last);
        assertEquals(bytes.length, events.get(events.size() - 1).bytes());
        assertEquals("tiny", events.get(0).model());
        assertEquals(FILE, events.get(0).fileName());

        events.clear();
        store.resolve("tiny"); // verified in this JVM already: nothing to hear
        assertEquals(List.of(), events);
    }

    @Test
    void aFailureEndsWithAFailedEventAndAFaultyListenerBreaksNothing() {
        server.on("/m/" + FILE, status(404));
        List<DownloadEvent.Kind> kinds = new ArrayList<>();
        ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/m/" + FILE))).listener(e -> {
            kinds.add(e.kind());
            throw new IllegalStateException("listener bug");
        }).build();
        ModelException e = assertThrows(ModelException.class, () -> store.resolve("tiny"));
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertEquals(List.of(DownloadEvent.Kind.STARTED, DownloadEvent.Kind.FAILED), kinds);
    }

    @Test
    void builderRejectsBadValuesByName() {
        ModelStore.Builder b = ModelStore.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.retries(-1)).getMessage().contains("retries"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.readTimeout(Duration.ZERO)).getMessage()
                .contains("readTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.mirror(URI.create("ftp://x/"))).getMessage()
                .contains("ftp://x/"));
    }

    /** Records each attempt's start (STARTED) and end (RETRYING, FAILED or COMPLETED) time. */
    private static DownloadListener timer(List<long[]> attempts) {
        long[][] current = new long[1][];
        return e -> {
            switch (e.kind()) {
                case STARTED -> current[0] = new long[] {System.nanoTime(), 0};
                case RETRYING, FAILED, COMPLETED -> {
                    current[0][1] = System.nanoTime();
                    attempts.add(current[0]);
                }
                default -> {
                }
            }
        };
    }
}
