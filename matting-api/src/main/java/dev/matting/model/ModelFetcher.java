package dev.matting.model;

import dev.matting.common.ModelException;
import dev.matting.model.DownloadEvent.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Puts one verified file at its place in the cache: checks a copy already there (hashing it once per JVM), and
 * otherwise downloads it (or, for an embedded model, writes it from the class path) under an in-JVM lock and a file
 * lock, into a temporary file in the target folder that is hashed while it is written, synced, checked, and only then
 * renamed to its final name. Nothing half-written or wrong ever carries the final name.
 */
final class ModelFetcher {
    /** One lock per target file for every store in this JVM: {@link FileChannel#lock} is per process, not per thread. */
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final String USER_AGENT = "dev.matting model store (Java " + Runtime.version().feature() + ")";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final boolean offline;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final Duration backoff;
    private final DownloadListener listener;
    private final Duration connectTimeout;
    /** Created on the first HTTP download only (see {@link Http}). */
    private volatile Http http;

    ModelFetcher(boolean offline, Duration connectTimeout, Duration readTimeout, int retries, Duration backoff,
            DownloadListener listener) {
        this.offline = offline;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxAttempts = retries + 1;
        this.backoff = backoff;
        this.listener = listener;
    }

    private Http http() {
        Http h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null) {
                    h = new Http(HttpClient.newBuilder().connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NORMAL).build());
                    http = h;
                }
            }
        }
        return h;
    }

    /** Makes {@code target} a verified copy of {@code file}, downloading it from {@code source} when needed. */
    void ensureDownloaded(String model, ModelFile file, URI source, Path target) {
        FileDigests.Expected expected = FileDigests.Expected.of(file);
        ensure(model, expected, source, target, true, () -> download(model, expected, source, target));
    }

    /** Reads an embedded file's bytes from the class path, when it has to be written. */
    @FunctionalInterface
    interface BytesSource {
        byte[] read() throws IOException;
    }

    /**
     * Makes {@code target} a copy of an embedded model's file (size and SHA-256 from the class path), replacing
     * whatever else is there.
     */
    void ensureUnpacked(String model, String fileName, long size, String sha256, BytesSource bytes, URI source,
            Path target) {
        FileDigests.Expected expected = new FileDigests.Expected(fileName, size, sha256, null);
        ensure(model, expected, source, target, false, () -> {
            try {
                byte[] data = bytes.read();
                if (data == null) {
                    throw new IOException("the class-path resource " + source + " disappeared");
                }
                place(target, expected, out -> {
                    ByteBuffer buf = ByteBuffer.wrap(data);
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                    return FileDigests.of(data);
                });
            } catch (IOException e) {
                throw new ModelException("cannot unpack the embedded model '" + model + "' file " + fileName + " into "
                        + target.getParent() + ": " + e + "; point " + StoreSettings.DIR_PROPERTY
                        + " at a writable folder", e);
            } catch (AttemptFailed e) {
                throw new ModelException("cannot unpack the embedded model '" + model + "' file " + fileName + " into "
                        + target.getParent() + ": " + e.getMessage(), e);
            }
        });
    }

    private void ensure(String model, FileDigests.Expected expected, URI source, Path target, boolean remote,
            Runnable fill) {
        if (VerifiedFiles.isVerified(target, expected)) {
            return;
        }
        ReentrantLock lock = LOCKS.computeIfAbsent(lockKey(target), k -> new ReentrantLock());
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while waiting for another thread to fetch model '" + model + "' file "
                    + target, e);
        }
        try {
            if (VerifiedFiles.isVerified(target, expected)) {
                return;
            }
            // Without the file lock first: a valid copy (say, a read-only pre-seeded cache) needs no lock and no write.
            String problem = check(model, expected, source, target);
            if (problem == null) {
                return;
            }
            if (remote && offline) {
                if (!problem.equals(MISSING)) {
                    deleteDamaged(model, expected, source, target);
                }
                throw offlineError(model, expected, source, target, problem);
            }
            try {
                Files.createDirectories(target.getParent());
            } catch (IOException e) {
                throw new ModelException("cannot create the model cache folder " + target.getParent() + " for model '"
                        + model + "': " + e + "; point " + StoreSettings.DIR_PROPERTY + " at a writable folder", e);
            }
            try (FileChannel channel = FileChannel.open(lockFile(target), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                // Another JVM may have finished the file while this one waited for the lock.
                problem = check(model, expected, source, target);
                if (problem == null) {
                    return;
                }
                // Never keep a file whose size or digest is wrong, and no other process is writing here now.
                Files.deleteIfExists(target);
                deleteStaleParts(target);
                fill.run();
            } catch (IOException e) {
                throw new ModelException("cannot lock or write model '" + model + "' file " + target + ": " + e, e);
            }
        } finally {
            lock.unlock();
        }
    }

    private static final String MISSING = "missing";

    /** {@code null} when {@code target} is a verified copy (and remembers it), else what is wrong with it. */
    private String check(String model, FileDigests.Expected expected, URI source, Path target) {
        try {
            VerifiedFiles.Stamp before = VerifiedFiles.stamp(target, expected);
            if (before == null) {
                if (Files.exists(target)) {
                    return "not a regular file";
                }
                return MISSING;
            }
            if (before.size() != expected.size()) {
                return "size expected " + expected.size() + " bytes, got " + before.size();
            }
            emit(Kind.VERIFYING, model, expected, source, 0, 0, null);
            FileDigests.Result r = FileDigests.of(target, expected.md5() != null);
            VerifiedFiles.Stamp after = VerifiedFiles.stamp(target, expected);
            if (!before.equals(after)) {
                return "changed while it was being checked";
            }
            String mismatch = r.mismatch(expected);
            if (mismatch == null) {
                VerifiedFiles.remember(target, after);
            }
            return mismatch;
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private void deleteDamaged(String model, FileDigests.Expected expected, URI source, Path target) {
        try (FileChannel channel = FileChannel.open(lockFile(target), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (check(model, expected, source, target) != null) {
                Files.deleteIfExists(target);
            }
        } catch (IOException e) {
            // a read-only cache: the damaged copy stays, and the error below says what is wrong with it
        }
    }

    private ModelException offlineError(String model, FileDigests.Expected expected, URI source, Path target,
            String problem) {
        String state = problem.equals(MISSING) ? "is not in the model cache"
                : "has a damaged copy in the model cache (" + problem + "; deleted where the folder is writable)";
        return new ModelException("model '" + model + "' file " + expected.name() + " " + state
                + ", and downloads are off (offline: builder offline(true), system property "
                + StoreSettings.OFFLINE_PROPERTY + " or environment variable " + StoreSettings.OFFLINE_ENV
                + "). Put the file " + expected.name() + " (" + expected.size() + " bytes, " + expected.label()
                + "), downloaded from " + source + ", at " + target.toAbsolutePath());
    }

    // ---------------------------------------------------------------------------------------------- downloading

    private void download(String model, FileDigests.Expected expected, URI source, Path target) {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                pause(model, expected, attempt);
            }
            emit(Kind.STARTED, model, expected, source, 0, attempt, null);
            try {
                final int a = attempt;
                place(target, expected, out -> transfer(model, expected, source, out, a));
                emit(Kind.COMPLETED, model, expected, source, expected.size(), attempt, null);
                return;
            } catch (AttemptFailed f) {
                failures.add("attempt " + attempt + ": " + f.getMessage());
                boolean last = !f.retryable || attempt == maxAttempts;
                emit(last ? Kind.FAILED : Kind.RETRYING, model, expected, source, f.bytes, attempt, f.getMessage());
                if (last) {
                    throw new ModelException("cannot download model '" + model + "' file " + expected.name() + " from "
                            + source + ": " + f.getMessage() + " (" + attempt + (attempt == 1 ? " attempt" : " attempts")
                            + (f.retryable ? "" : "; not retried") + history(failures, f.getMessage())
                            + "). To install it by hand, put the file (" + expected.size() + " bytes, " + expected.label()
                            + ") at " + target.toAbsolutePath(), f);
                }
            } catch (IOException e) {
                emit(Kind.FAILED, model, expected, source, 0, attempt, e.toString());
                throw new ModelException("cannot write model '" + model + "' file " + expected.name() + " into "
                        + target.getParent() + ": " + e + " (not retried: the folder itself is the problem)", e);
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Every attempt's failure when they differ; nothing when each failed like the last. */
    private static String history(List<String> failures, String last) {
        if (failures.stream().allMatch(f -> f.endsWith(": " + last))) {
            return failures.size() > 1 ? ", each the same way" : "";
        }
        return ": " + String.join("; ", failures);
    }

    private void pause(String model, FileDigests.Expected expected, int attempt) {
        long millis = backoff.toMillis() << Math.min(attempt - 2, 20);
        try {
            Thread.sleep(Math.min(millis, MAX_BACKOFF.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while downloading model '" + model + "' file " + expected.name(), e);
        }
    }

    /** Writes one attempt's bytes into an open channel and returns their digests; throws {@link AttemptFailed}. */
    @FunctionalInterface
    private interface Producer {
        FileDigests.Result writeTo(FileChannel out) throws IOException, AttemptFailed;
    }

    /**
     * Runs {@code producer} into a temporary file beside {@code target}, syncs it, checks its size and digests, and
     * renames it to {@code target}; the temporary file is gone afterwards whatever happens.
     */
    private static void place(Path target, FileDigests.Expected expected, Producer producer) throws IOException, AttemptFailed {
        Path dir = target.getParent();
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < expected.size()) {
            throw new AttemptFailed(false, 0, "only " + usable + " bytes free in " + dir + ", the file needs "
                    + expected.size());
        }
        Path tmp = Files.createTempFile(dir, "." + expected.name() + ".", ".part");
        try {
            FileDigests.Result result;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                result = producer.writeTo(out);
                out.force(true);
            }
            String mismatch = result.mismatch(expected);
            if (mismatch != null) {
                throw new AttemptFailed(true, result.size(), "the downloaded bytes are not the expected file: " + mismatch
                        + " (deleted)");
            }
            try {
                // temp files are owner-only; a cached model is meant to be readable like any installed file
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: its defaults apply
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING); // same folder: still a rename
            }
            syncDirectory(dir);
            VerifiedFiles.Stamp stamp = VerifiedFiles.stamp(target, expected);
            if (stamp != null) {
                VerifiedFiles.remember(target, stamp);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private FileDigests.Result transfer(String model, FileDigests.Expected expected, URI source, FileChannel out,
            int attempt) throws IOException, AttemptFailed {
        Progress progress = new Progress(model, expected, source, attempt, out);
        if ("file".equalsIgnoreCase(source.getScheme())) {
            Path from;
            try {
                from = Path.of(source);
            } catch (IllegalArgumentException e) {
                throw new AttemptFailed(false, 0, "not a usable file URI: " + e.getMessage());
            }
            if (!Files.isRegularFile(from)) {
                throw new AttemptFailed(false, 0, "no such file " + from);
            }
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        throw new AttemptFailed(true, progress.count, "reading " + from + " failed: " + e);
                    }
                    if (n < 0) {
                        break;
                    }
                    buf.flip();
                    progress.accept(buf);
                    buf.clear();
                }
            }
            return progress.finish();
        }
        return http().transfer(source, progress);
    }

    /** Counts, hashes and writes what arrives, and reports progress about every 1 % (at least every 64 KiB). */
    private final class Progress {
        final String model;
        final FileDigests.Expected expected;
        final URI source;
        final int attempt;
        final FileChannel out;
        final FileDigests digests;
        final long step;
        long count;
        long reported;

        Progress(String model, FileDigests.Expected expected, URI source, int attempt, FileChannel out) {
            this.model = model;
            this.expected = expected;
            this.source = source;
            this.attempt = attempt;
            this.out = out;
            this.digests = new FileDigests(expected.md5() != null);
            this.step = Math.max(64 << 10, expected.size() / 100);
        }

        void accept(ByteBuffer b) throws IOException, AttemptFailed {
            count += b.remaining();
            if (count > expected.size()) {
                // a different or endless file: stop before it fills the disk
                throw new AttemptFailed(true, count, "the server sent more than the expected " + expected.size() + " bytes");
            }
            digests.update(b);
            while (b.hasRemaining()) {
                out.write(b);
            }
            if (count - reported >= step || count == expected.size()) {
                reported = count;
                emit(Kind.PROGRESS, model, expected, source, count, attempt, null);
            }
        }

        FileDigests.Result finish() throws AttemptFailed {
            if (count < expected.size()) {
                throw new AttemptFailed(true, count, "truncated: the body ended after " + count + " of " + expected.size()
                        + " bytes");
            }
            return digests.finish();
        }
    }

    /**
     * The HTTP side of a download. Only this class and {@link BodyQueue} touch {@code java.net.http}, so a runtime
     * without that module (a jlink image for an application that only uses the embedded model) never loads it.
     */
    private final class Http {
        private final HttpClient client;

        Http(HttpClient client) {
            this.client = client;
        }

    FileDigests.Result transfer(URI source, Progress progress) throws IOException, AttemptFailed {
            BodyQueue body = new BodyQueue();
            CompletableFuture<HttpResponse<Void>> pending;
            try {
                HttpRequest.Builder rb = HttpRequest.newBuilder(source).timeout(readTimeout).header("User-Agent", USER_AGENT)
                        .GET();
                if ("http".equalsIgnoreCase(source.getScheme())) {
                    rb.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP mirrors and proxies
                }
                pending = client.sendAsync(rb.build(), info -> body);
            } catch (IllegalArgumentException e) {
                throw new AttemptFailed(false, 0, "the HTTP client cannot fetch this URI: " + e.getMessage());
            }
            HttpResponse<Void> response;
            try {
                // the request timeout covers the wait for the headers; this bound is only a safety net
                response = pending.get(readTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                pending.cancel(true);
                body.cancel();
                Thread.currentThread().interrupt();
                throw new ModelException("interrupted while downloading model '" + progress.model + "' from " + source, e);
            } catch (TimeoutException e) {
                pending.cancel(true);
                body.cancel();
                throw new AttemptFailed(true, 0, "no response within the read timeout of " + readTimeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                throw new AttemptFailed(true, 0, describe(e.getCause()));
            }
            int status = response.statusCode();
            if (status != 200) {
                body.cancel();
                boolean retry = status == 408 || status == 425 || status == 429 || status >= 500;
                throw new AttemptFailed(retry, 0, "HTTP " + status + (status == 404 ? " (not found)"
                        : status == 410 ? " (gone)" : status >= 500 ? " (server error)" : ""));
            }
            OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
            if (announced.isPresent() && announced.getAsLong() != progress.expected.size()) {
                body.cancel();
                throw new AttemptFailed(true, 0, "the server announces " + announced.getAsLong() + " bytes, the file has "
                        + progress.expected.size());
            }
            try {
                while (true) {
                    Object item;
                    try {
                        item = body.items.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ModelException("interrupted while downloading model '" + progress.model + "' from " + source, e);
                    }
                    if (item == null) {
                        throw new AttemptFailed(true, progress.count, "stalled: no data for " + readTimeout.toMillis()
                                + " ms (the read timeout) after " + progress.count + " of " + progress.expected.size() + " bytes");
                    }
                    if (item == BodyQueue.END) {
                        break;
                    }
                    if (item instanceof Throwable t) {
                        throw new AttemptFailed(true, progress.count, "the connection failed after " + progress.count + " of "
                                + progress.expected.size() + " bytes: " + describe(t));
                    }
                    @SuppressWarnings("unchecked")
                    List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                    for (ByteBuffer b : buffers) {
                        progress.accept(b);
                    }
                    body.requestMore();
                }
            } finally {
                body.cancel();
            }
            return progress.finish();
        }

    static String describe(Throwable t) {
            if (t instanceof HttpConnectTimeoutException) {
                return "could not connect within the connect timeout (" + t.getMessage() + ")";
            }
            if (t instanceof HttpTimeoutException) {
                return "no response within the read timeout (" + t.getMessage() + ")";
            }
            if (t instanceof ConnectException) {
                return "connection refused or unreachable (" + t + ")";
            }
            return String.valueOf(t);
        }
    }

    /**
     * Receives the response body on the client's threads and hands it to the downloading thread through a queue, one
     * chunk at a time (demand 1), so the downloading thread can time out a stalled server with {@code poll}.
     */
    private static final class BodyQueue implements HttpResponse.BodySubscriber<Void> {
        static final Object END = new Object();
        final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        @Override
        public CompletionStage<Void> getBody() {
            // complete at once: the response is handed over when the headers are in, the body follows through the queue
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            items.add(throwable);
        }

        @Override
        public void onComplete() {
            items.add(END);
        }

        void requestMore() {
            Flow.Subscription s = subscription;
            if (s != null && !cancelled) {
                s.request(1);
            }
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** One attempt failed; {@code retryable} says whether another attempt may succeed. */
    private static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean retryable;
        final long bytes;

        AttemptFailed(boolean retryable, long bytes, String message) {
            super(message, null, false, false);
            this.retryable = retryable;
            this.bytes = bytes;
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void emit(Kind kind, String model, FileDigests.Expected expected, URI source, long bytes, int attempt,
            String failure) {
        try {
            listener.onEvent(new DownloadEvent(kind, model, expected.name(), source, bytes, expected.size(), attempt,
                    maxAttempts, failure));
        } catch (RuntimeException ignored) {
            // documented: a faulty listener cannot break a download
        }
    }

    /** The lock file beside the target; left in place, since deleting a lock file another process waits on is a race. */
    static Path lockFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".lock");
    }

    private static Path lockKey(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            // one key per real file even when two stores reach the folder through different links
            return abs.getParent().toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs;
        }
    }

    /** Temporary files a killed process left behind; only called under the file lock, so no one is writing them. */
    private static void deleteStaleParts(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(target.getParent(),
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".part"))) {
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename durable on Linux; other systems may refuse, which costs only durability
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
