package dev.matting.model;

import static dev.matting.model.ModelServer.slow;
import static dev.matting.model.StoreFixtures.FILE;
import static dev.matting.model.StoreFixtures.partFiles;
import static dev.matting.model.StoreFixtures.quickStore;
import static dev.matting.model.StoreFixtures.sha256;
import static dev.matting.model.StoreFixtures.tinyBytes;
import static dev.matting.model.StoreFixtures.tinyEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First use racing in one JVM (threads, and separate stores) and across two JVMs sharing one cache. */
class ModelStoreConcurrencyTest {
    @TempDir
    Path cache;

    @Test
    void eightThreadsOnFirstUseDownloadOnceAndAllGetTheSameValidFile() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, slow(bytes, 128 << 10, 20))) {
            CatalogEntry entry = tinyEntry("tiny", server.url("/" + FILE));
            ModelStore shared = quickStore(cache, entry).readTimeout(Duration.ofSeconds(10)).build();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<ModelSpec>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    // half the threads share one store, half bring their own: the locks are per file, not per store
                    ModelStore store = i % 2 == 0 ? shared : quickStore(cache, entry).readTimeout(Duration.ofSeconds(10)).build();
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.resolve("tiny");
                    }));
                }
                go.countDown();
                Path expected = cache.resolve("tiny").resolve(FILE);
                for (Future<ModelSpec> f : results) {
                    assertEquals(expected, f.get(60, TimeUnit.SECONDS).directory().resolve(FILE));
                }
                assertEquals(1, server.hits("/" + FILE), "eight threads must share one download");
                assertArrayEquals(bytes, Files.readAllBytes(expected));
                assertEquals(0, partFiles(expected.getParent()));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoJvmsRacingOnFirstUseBothSucceedAndNeverSeeAPartialFile() throws Exception {
        byte[] bytes = tinyBytes();
        // slow enough (about 1.5 s) that the second JVM's download and this one's overlap
        try (ModelServer server = ModelServer.start().on("/" + FILE, slow(bytes, 64 << 10, 50))) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process other = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    StoreRaceMain.class.getName(), cache.toString(), server.url("/" + FILE).toString())
                    .redirectErrorStream(true).start();
            // start this JVM's resolve once the other one is downloading (or after 10 s, whichever comes first)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.hits("/" + FILE) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Path target = cache.resolve("tiny").resolve(FILE);
            // watch the final name while both work: whenever a file is there, it must be the whole, right file
            List<String> seen = new ArrayList<>();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        if (Files.exists(target)) {
                            byte[] now = Files.readAllBytes(target);
                            if (now.length != bytes.length || !sha256(now).equals(sha256(bytes))) {
                                synchronized (seen) {
                                    seen.add(now.length + " bytes");
                                }
                            }
                        }
                    } catch (java.nio.file.NoSuchFileException ignored) {
                        // between a delete and a rename: fine
                    } catch (Exception e) {
                        synchronized (seen) {
                            seen.add(e.toString());
                        }
                    }
                }
            });
            watcher.start();
            ModelSpec mine;
            try {
                mine = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).readTimeout(Duration.ofSeconds(10))
                        .build().resolve("tiny");
            } finally {
                assertTrue(other.waitFor(60, TimeUnit.SECONDS), "the other JVM did not finish");
                watcher.interrupt();
                watcher.join();
            }
            String output;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
                output = r.lines().collect(Collectors.joining("\n"));
            }
            assertEquals(0, other.exitValue(), output);
            assertTrue(output.contains("OK " + target + " " + sha256(bytes)), output);
            assertEquals(target, mine.directory().resolve(FILE));
            assertArrayEquals(bytes, Files.readAllBytes(target));
            int downloads = server.hits("/" + FILE);
            assertTrue(downloads == 1 || downloads == 2, downloads + " downloads");
            assertEquals(List.of(), seen, "a partial or wrong file was visible under the final name");
            assertEquals(0, partFiles(target.getParent()));
        }
    }
}
