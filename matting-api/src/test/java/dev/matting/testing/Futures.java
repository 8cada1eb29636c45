package dev.matting.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on futures in tests, with a hang guard: a future that never completes fails the test instead of hanging it. */
public final class Futures {
    /** The default hang guard. */
    public static final long HANG_GUARD_SECONDS = 20;

    private Futures() {
    }

    /** The value of {@code f}, or an {@link AssertionError} naming its failure. */
    public static <T> T value(CompletableFuture<T> f) {
        try {
            return f.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future never completed (hang guard)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The failure of {@code f}, which must be a {@code type}; an {@link AssertionError} when it succeeded. */
    public static <T extends Throwable> T error(CompletableFuture<?> f, Class<T> type) {
        try {
            Object v = f.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            return fail("expected " + type.getSimpleName() + ", got a value " + v);
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future never completed (hang guard)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until {@code f} ends, however it ends; fails the test when it has not within {@code guardSeconds}. */
    public static void awaitEnd(CompletableFuture<?> f, long guardSeconds) {
        try {
            f.get(guardSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("a request never completed (hang guard)");
        } catch (ExecutionException | CancellationException e) {
            // how it ended is the caller's to judge
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    /** How a completed {@code f} ended: null on success, else its cause or the {@link CancellationException}. */
    public static Throwable errorOf(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CancellationException e) {
            return e;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
