package dev.matting.model;

import static dev.matting.model.ModelServer.ok;
import static dev.matting.model.StoreFixtures.FILE;
import static dev.matting.model.StoreFixtures.partFiles;
import static dev.matting.model.StoreFixtures.quickStore;
import static dev.matting.model.StoreFixtures.tinyBytes;
import static dev.matting.model.StoreFixtures.tinyEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cached file is hashed once per JVM before first use, and a file that fails is replaced. */
class CacheVerificationTest {
    @TempDir
    Path cache;

    @Test
    void aCachedFileIsHashedOncePerJvmAndAgainWhenItChanges() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            Path target = store.directoryOf("tiny").resolve(FILE);
            Files.createDirectories(target.getParent());
            Files.write(target, bytes); // pre-seeded: never verified in this JVM

            long before = FileDigests.FILES_HASHED.get();
            store.resolve("tiny");
            store.resolve("tiny");
            quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build().resolve("tiny");
            assertEquals(1, FileDigests.FILES_HASHED.get() - before, "hashed once, then remembered for the JVM");

            Files.setLastModifiedTime(target, FileTime.fromMillis(Files.getLastModifiedTime(target).toMillis() - 60_000));
            store.resolve("tiny");
            assertEquals(2, FileDigests.FILES_HASHED.get() - before, "a changed file is hashed again");
            assertEquals(0, server.hits("/" + FILE));
        }
    }

    @Test
    void aTamperedFileOfTheSameSizeIsReplacedOnTheNextResolve() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            Path target = store.resolve("tiny").directory().resolve(FILE);
            assertEquals(1, server.hits("/" + FILE));

            tamper(target, true);
            store.resolve("tiny");
            assertEquals(2, server.hits("/" + FILE), "the tampered copy must be fetched again");
            assertArrayEquals(bytes, Files.readAllBytes(target));
        }
    }

    @Test
    void aTamperedFileWithItsOldTimestampIsCaughtInThisJvmWhereTheFileSystemHasACtime() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            Path target = store.resolve("tiny").directory().resolve(FILE);
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    Files.getFileStore(target).supportsFileAttributeView("unix"), "no unix:ctime on this file system");

            tamper(target, false); // same size, same inode, modification time set back
            store.resolve("tiny");

            assertEquals(2, server.hits("/" + FILE));
            assertArrayEquals(bytes, Files.readAllBytes(target));
        }
    }

    @Test
    void aTamperedFileWithItsOldTimestampIsCaughtByTheNextJvm() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            Path target = store.resolve("tiny").directory().resolve(FILE);

            tamper(target, false); // same size, same modification time
            VerifiedFiles.forgetAll(); // what a new JVM starts with
            store.resolve("tiny");

            assertEquals(2, server.hits("/" + FILE));
            assertArrayEquals(bytes, Files.readAllBytes(target));
        }
    }

    @Test
    void leftoversOfAKilledDownloadAreCleanedUpAndNeverUsed() throws Exception {
        byte[] bytes = tinyBytes();
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(bytes))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            Path dir = store.directoryOf("tiny");
            Files.createDirectories(dir);
            Files.write(dir.resolve("." + FILE + ".12345.part"), new byte[] {1, 2, 3});

            store.resolve("tiny");

            assertEquals(0, partFiles(dir));
            assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(FILE)));
        }
    }

    /** Rewrites one byte in place, keeping the size (and, if asked, the modification time). */
    static void tamper(Path file, boolean touch) throws Exception {
        FileTime time = Files.getLastModifiedTime(file);
        byte[] b = Files.readAllBytes(file);
        b[b.length - 100] ^= 0x01;
        Files.write(file, b);
        if (touch) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 5_000));
        } else {
            Files.setLastModifiedTime(file, time);
        }
    }
}
