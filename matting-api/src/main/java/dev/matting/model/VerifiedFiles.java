package dev.matting.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which cached files this JVM has hashed and found right, keyed by path and remembered with the file's size,
 * modification time, file key (the inode on Unix) and, where the file system has one, status-change time ({@code ctime},
 * which a write moves and no program can set back). A file is re-hashed when any of those changes, so a copy that is
 * replaced or rewritten after its check is checked again before the next use. Where there is no {@code ctime}, a file
 * rewritten in place with its old size and modification time restored is caught by the next JVM, which hashes
 * everything once. Shared by every
 * {@link ModelStore} in the JVM: "once per JVM", not once per store.
 */
final class VerifiedFiles {
    private static final Map<Path, Stamp> VERIFIED = new ConcurrentHashMap<>();

    private VerifiedFiles() {
    }

    /**
     * What identifies one version of a file on disk, plus what it was verified against. {@code changed} is the
     * status-change time where the file system has one (Unix {@code ctime}: any write or rename moves it, and no
     * program can set it back), else {@code null}.
     */
    record Stamp(long size, FileTime modified, Object fileKey, FileTime changed, String expectedKey) {
    }

    /**
     * The file's current stamp for {@code expected}, or {@code null} when it is not a regular file. Symbolic links are
     * followed (a cache may link to files on shared storage): the stamp is the target's, so re-pointing a link is a
     * change like any other.
     */
    static Stamp stamp(Path file, FileDigests.Expected expected) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return null;
            }
            return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey(), changeTime(file), expected.key());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static FileTime changeTime(Path file) throws IOException {
        try {
            return (FileTime) Files.getAttribute(file, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return null; // no "unix" attribute view here: size, modification time and file key must do
        }
    }

    /** Whether this exact version of the file was verified against {@code expected} in this JVM. */
    static boolean isVerified(Path file, FileDigests.Expected expected) {
        Stamp known = VERIFIED.get(file);
        if (known == null) {
            return false;
        }
        try {
            return Objects.equals(known, stamp(file, expected));
        } catch (IOException e) {
            return false;
        }
    }

    static void remember(Path file, Stamp stamp) {
        VERIFIED.put(file, stamp);
    }

    static void forget(Path file) {
        VERIFIED.remove(file);
    }

    /** Forgets every check, as a new JVM would start; for tests. */
    static void forgetAll() {
        VERIFIED.clear();
    }
}
