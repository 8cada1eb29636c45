package dev.matting.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Streaming SHA-256 (and MD5 when the expected file has one) over bytes as they are written or read. */
final class FileDigests {
    /** Files hashed from disk in this JVM; tests read it to check "once per JVM". */
    static final AtomicLong FILES_HASHED = new AtomicLong();

    private final MessageDigest sha256;
    private final MessageDigest md5;
    private long size;

    FileDigests(boolean withMd5) {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
            this.md5 = withMd5 ? MessageDigest.getInstance("MD5") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256 or MD5", e); // both are mandatory in every JDK
        }
    }

    /** Adds the buffer's remaining bytes; leaves its position unchanged. */
    void update(ByteBuffer buffer) {
        size += buffer.remaining();
        sha256.update(buffer.duplicate());
        if (md5 != null) {
            md5.update(buffer.duplicate());
        }
    }

    void update(byte[] bytes) {
        update(ByteBuffer.wrap(bytes));
    }

    /** The digests of everything added so far; call once. */
    Result finish() {
        return new Result(size, HexFormat.of().formatHex(sha256.digest()),
                md5 == null ? null : HexFormat.of().formatHex(md5.digest()));
    }

    /** Hashes a whole file. */
    static Result of(Path file, boolean withMd5) throws IOException {
        FILES_HASHED.incrementAndGet();
        FileDigests d = new FileDigests(withMd5);
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                d.update(buf);
                buf.clear();
            }
        }
        return d.finish();
    }

    static Result of(byte[] bytes) {
        FileDigests d = new FileDigests(false);
        d.update(bytes);
        return d.finish();
    }

    /** Size and digests of some bytes; {@code md5} is null when it was not computed. */
    record Result(long size, String sha256, String md5) {
        /** Why these bytes are not the expected file, or {@code null} when size and every known digest match. */
        String mismatch(Expected expected) {
            if (size != expected.size()) {
                return "size expected " + expected.size() + " bytes, got " + size;
            }
            if (expected.sha256() != null && !expected.sha256().equals(sha256)) {
                return "sha256 expected " + expected.sha256() + ", got " + sha256;
            }
            if (expected.md5() != null && md5 != null && !expected.md5().equals(md5)) {
                return "md5 expected " + expected.md5() + ", got " + md5;
            }
            return null;
        }
    }

    /** What a file must be: name, exact size, and the digests known for it (sha256 or md5 may be null, not both). */
    record Expected(String name, long size, String sha256, String md5) {
        static Expected of(ModelFile f) {
            return new Expected(f.name(), f.size(), f.sha256().orElse(null), f.md5().orElse(null));
        }

        /** The digests as one string, so a memo of "verified" is tied to what it was verified against. */
        String key() {
            return size + ":" + sha256 + ":" + md5;
        }

        String label() {
            return sha256 != null ? "sha256:" + sha256 : "md5:" + md5;
        }
    }
}
