package dev.matting.model;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of fetching a model file, as told to a {@link DownloadListener}. Immutable.
 *
 * <p>For one file the kinds come in this order: {@link Kind#VERIFYING} when a cached copy is hashed before first use;
 * then, when a download is needed, for each attempt {@link Kind#STARTED}, {@link Kind#PROGRESS} events with growing
 * {@link #bytes()}, and either {@link Kind#COMPLETED} (the file is verified and in place) or {@link Kind#RETRYING}
 * (this attempt failed, another follows after a pause); after the last failed attempt {@link Kind#FAILED}.
 */
public final class DownloadEvent {
    /** What happened. */
    public enum Kind {
        /** A cached copy is being hashed (once per JVM) before its first use. */
        VERIFYING,
        /** An attempt begins: {@link #bytes()} is 0. */
        STARTED,
        /** Bytes arrived: {@link #bytes()} so far out of {@link #totalBytes()}. */
        PROGRESS,
        /** This attempt failed ({@link #failure()} says why); the next one starts after a pause. */
        RETRYING,
        /** The file is downloaded, its size and digests match, and it is in place under its final name. */
        COMPLETED,
        /** The last attempt failed; the store throws a {@code ModelException} next. */
        FAILED
    }

    private final Kind kind;
    private final String model;
    private final String fileName;
    private final URI source;
    private final long bytes;
    private final long totalBytes;
    private final int attempt;
    private final int maxAttempts;
    private final String failure;

    DownloadEvent(Kind kind, String model, String fileName, URI source, long bytes, long totalBytes, int attempt,
            int maxAttempts, String failure) {
        this.kind = Objects.requireNonNull(kind);
        this.model = model;
        this.fileName = fileName;
        this.source = source;
        this.bytes = bytes;
        this.totalBytes = totalBytes;
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
        this.failure = failure;
    }

    /** What happened. */
    public Kind kind() {
        return kind;
    }

    /** The model's catalogue name. */
    public String model() {
        return model;
    }

    /** The file's name in the cache. */
    public String fileName() {
        return fileName;
    }

    /** Where the bytes come from (the upstream URL, the mirror's, or the class path for an embedded model). */
    public URI source() {
        return source;
    }

    /** Bytes received (or hashed) so far in this attempt. */
    public long bytes() {
        return bytes;
    }

    /** The file's expected size in bytes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** This attempt's number, from 1 (0 for {@link Kind#VERIFYING}). */
    public int attempt() {
        return attempt;
    }

    /** How many attempts the store makes at most (retries + 1). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Why the attempt failed, for {@link Kind#RETRYING} and {@link Kind#FAILED}. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return kind + " " + model + "/" + fileName + " " + bytes + "/" + totalBytes + " bytes, attempt " + attempt + "/"
                + maxAttempts + (failure == null ? "" : ": " + failure) + " (" + source + ")";
    }
}
