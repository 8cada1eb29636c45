package dev.matting.scheduler;

/** A source of nanoseconds for every time the scheduler reads (batching window, timeouts, latency); swap it in tests. */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds from an arbitrary fixed origin; only differences are meaningful. */
    long read();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
