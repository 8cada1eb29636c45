package dev.matting.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aFailedWriteLeavesNeitherTheTargetNorATemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub/out.png");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertFalse(Files.exists(target));
        try (Stream<Path> left = Files.list(target.getParent())) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aFailedRewriteKeepsTheOldContent(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.writeString(target, "first");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write('x');
            throw new IOException("boom");
        }));
        assertEquals("first", Files.readString(target));
        AtomicFiles.writeBytes(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    }

    @Test
    void aRootOrADirectoryIsRefusedWithAnIoErrorAndLeftAlone(@TempDir Path dir) throws IOException {
        IOException root = assertThrows(IOException.class, () -> AtomicFiles.writeString(Path.of("/"), "x"));
        assertTrue(root.getMessage().contains("root"), root.getMessage());
        Path sub = Files.createDirectory(dir.resolve("sub"));
        IOException directory = assertThrows(IOException.class, () -> AtomicFiles.writeString(sub, "x"));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());
        assertTrue(Files.isDirectory(sub));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count());
        }
    }
}
