package dev.matting.bench.table;

import dev.matting.common.Device;
import dev.matting.scheduler.MemorySource;
import java.util.Locale;

/**
 * The emulated card for one concurrency row: when the GPU has more free memory than the card, a {@link Ballast}
 * takes the difference for as long as the row runs, so the naive runner and the scheduler both really meet the
 * card's limit (an out-of-memory where the card would have one), and NVML reports the card's free memory.
 */
final class CardEmulation implements AutoCloseable {
    private static final double GIB = 1L << 30;

    private final long hiddenBytes;
    private final AutoCloseable handle;
    private final String note;

    private CardEmulation(long hiddenBytes, AutoCloseable handle, String note) {
        this.hiddenBytes = hiddenBytes;
        this.handle = handle;
        this.note = note;
    }

    /** No ballast, with the reason. */
    static CardEmulation none(String why) {
        return new CardEmulation(0, null, why);
    }

    /**
     * Occupies {@code free - cardBytes} on {@code gpu} when that is positive and {@code enabled}; otherwise, or when
     * the ballast cannot be placed, returns an emulation without ballast whose {@link #note()} says why.
     */
    static CardEmulation start(boolean enabled, Ballast ballast, MemorySource memory, Device gpu, long cardBytes) {
        String card = String.format(Locale.ROOT, "%.0f GiB card", cardBytes / GIB);
        if (!enabled) {
            return none(card + " emulated by the scheduler's cap only (--no-ballast)");
        }
        try {
            ballast.settle(gpu);
        } catch (RuntimeException | LinkageError e) {
            // a reading a little short only makes the emulated card a little larger; say nothing and go on
        }
        long free = memory.freeBytes(gpu);
        if (free == MemorySource.UNKNOWN) {
            return none(card + " emulated by the scheduler's cap only (free memory of " + gpu + " unknown)");
        }
        if (free <= cardBytes) {
            return none(String.format(Locale.ROOT, "no ballast: %s has %.1f GiB free, no more than the %s", gpu,
                    free / GIB, card));
        }
        long hidden = free - cardBytes;
        try {
            AutoCloseable h = ballast.occupy(gpu, hidden);
            return new CardEmulation(hidden, h, String.format(Locale.ROOT, "%s emulated: %.1f GiB ballast on %s",
                    card, hidden / GIB, gpu));
        } catch (RuntimeException | LinkageError e) {
            return none(card + " emulated by the scheduler's cap only (ballast failed: " + e.getMessage() + ")");
        }
    }

    /** Bytes the ballast holds; 0 without one. */
    long hiddenBytes() {
        return hiddenBytes;
    }

    /** What was done, for the table's engine column and the log. */
    String note() {
        return note;
    }

    /**
     * {@code base} as seen on the emulated card: the same free memory, and a total smaller by the ballast, so a
     * scheduler cap of the card's size counts only what runs beside it, not the ballast, as used.
     */
    MemorySource memory(MemorySource base) {
        if (hiddenBytes == 0) {
            return base;
        }
        return new MemorySource() {
            @Override
            public long freeBytes(Device device) {
                return base.freeBytes(device);
            }

            @Override
            public long totalBytes(Device device) {
                long total = base.totalBytes(device);
                return total == UNKNOWN ? UNKNOWN : Math.max(0, total - hiddenBytes);
            }
        };
    }

    /** Device memory the row itself used: the device-wide peak less the ballast. */
    long rowPeak(long deviceWidePeak) {
        return Math.max(0, deviceWidePeak - hiddenBytes);
    }

    @Override
    public void close() {
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException("releasing the ballast failed: " + e.getMessage(), e);
            }
        }
    }
}
