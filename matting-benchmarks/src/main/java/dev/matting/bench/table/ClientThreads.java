package dev.matting.bench.table;

import dev.matting.api.Matte;
import dev.matting.api.MatteResult;
import dev.matting.common.ImageSource;
import dev.matting.common.InferenceException;
import dev.matting.common.MattingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The clients of a concurrency row: one thread per client, all started together, each working through its own list
 * the way an independent caller would. Shared by the naive and the scheduled runner so the two rows differ only in
 * what a client does, not in how the load is driven.
 */
final class ClientThreads {
    private ClientThreads() {
    }

    /** What one client does with its images; {@code index} is its place in the list of clients. */
    @FunctionalInterface
    interface Client {
        List<MatteResult> run(int index, List<ImageSource> images);
    }

    /**
     * Runs {@code work} for every client at once and returns the results flattened in client order. A client that
     * throws fails each of its images (counted, not a crashed table).
     */
    static List<MatteResult> runAll(List<List<ImageSource>> clients, String name,
            Client work) {
        int n = clients.size();
        @SuppressWarnings("unchecked")
        List<MatteResult>[] results = new List[n];
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = i;
            List<ImageSource> mine = clients.get(c);
            Thread t = new Thread(() -> {
                try {
                    results[c] = work.run(c, mine);
                } catch (RuntimeException | Error e) {
                    InferenceException err = new InferenceException("client " + c + " failed: " + e, e);
                    results[c] = mine.stream().map(s -> MatteResult.failure(s, err)).toList();
                }
            }, name + "-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + t.getName(), e);
            }
        }
        List<MatteResult> out = new ArrayList<>();
        for (List<MatteResult> r : results) {
            out.addAll(r);
        }
        return out;
    }

    /** A finished matte, PNG-encoded as a user would (the encode is part of the work timed). */
    static MatteResult encoded(ImageSource source, Matte matte) {
        matte.toPng();
        return MatteResult.success(source, matte);
    }

    /** Any failure as the SDK's typed error naming the image. */
    static MattingException asMattingException(ImageSource source, Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof MattingException m ? m : new InferenceException("matting '" + source.name() + "' failed: " + t, t);
    }
}
