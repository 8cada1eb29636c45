package dev.matting.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link PipelineMatter}'s capacity: the requests in flight (admitted, their work not ended), at most
 * {@code capacity} of them. A request holds its place from admission until its last stage has returned, so the
 * images, inputs and alphas the pipeline holds at once stay bounded, and a close can wait for exactly these requests.
 * Once closed it admits nothing more.
 */
final class Admission {
    /** How an attempt to enter ended. */
    enum Result { ADMITTED, FULL, CLOSED, TIMED_OUT, INTERRUPTED }

    /** A deadline that never comes, for {@link #enter}. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled once per place given back: one waiting producer may take it. */
    private final Condition room = lock.newCondition();
    /** Signalled when nothing is in flight any more (a close is draining). */
    private final Condition empty = lock.newCondition();
    private final Set<MatteCall> inFlight = new HashSet<>();
    private boolean closed;

    Admission(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Admits {@code call} if there is room. When full: returns {@link Result#FULL} at once unless {@code wait}, else
     * waits for room until {@code deadline} ({@link System#nanoTime()} based, or {@link #NO_DEADLINE}), a close, or an
     * interrupt (whose flag it leaves set).
     */
    Result enter(MatteCall call, boolean wait, long deadline) {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return Result.CLOSED;
                }
                if (inFlight.size() < capacity) {
                    inFlight.add(call);
                    return Result.ADMITTED;
                }
                if (!wait) {
                    return Result.FULL;
                }
                try {
                    if (deadline == NO_DEADLINE) {
                        room.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return Result.TIMED_OUT;
                        }
                        room.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    passOnRoom();
                    return Result.INTERRUPTED;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back {@code call}'s place; once per call, by whoever ends its work. */
    void release(MatteCall call) {
        lock.lock();
        try {
            if (inFlight.remove(call)) {
                room.signal();
                if (inFlight.isEmpty()) {
                    empty.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Admits nothing from now on and wakes every waiting producer, which then sees {@link Result#CLOSED}. */
    void close() {
        lock.lock();
        try {
            closed = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until nothing is in flight or {@code deadline} ({@link System#nanoTime()} based) passes; an interrupt does
     * not cut the wait short (the close that drains must still free what it owns) but is kept for the caller.
     *
     * @return whether everything in flight ended
     */
    boolean awaitEmpty(long deadline) {
        boolean interrupted = false;
        lock.lock();
        try {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    empty.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The requests in flight now. */
    List<MatteCall> inFlight() {
        lock.lock();
        try {
            return new ArrayList<>(inFlight);
        } finally {
            lock.unlock();
        }
    }

    /** A woken producer that leaves without taking the room it was woken for hands the signal on. */
    private void passOnRoom() {
        if (inFlight.size() < capacity) {
            room.signal();
        }
    }
}
