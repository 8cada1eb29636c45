package dev.matting.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a file beside its target and renames it in, so no reader and no crash ever leaves half a file on disk. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Produces a file's content into a stream. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code out}, which the caller closes.
         *
         * @param out the stream to the temporary file
         * @throws IOException when the content cannot be written; the target is then left untouched
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically; on any failure the target is untouched and no temporary file remains.
     *
     * @throws IOException naming the path when it cannot be a file: a root (no parent, no name), an existing directory
     *                     (an empty one would otherwise be replaced by the rename), or a parent that is a file
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        if (abs.getParent() == null || abs.getFileName() == null) {
            throw new FileSystemException(target.toString(), null, "is a root directory, not a file path");
        }
        if (Files.isDirectory(abs)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            try {
                // temp files are created owner-only; outputs are meant to be shared like any other file
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: its defaults apply
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code bytes} to {@code target} atomically; see {@link #write(Path, Content)}.
     *
     * @throws IOException when the file cannot be written; the target is then left untouched
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code text} as UTF-8 to {@code target} atomically; see {@link #write(Path, Content)}.
     *
     * @throws IOException when the file cannot be written; the target is then left untouched
     */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }
}
