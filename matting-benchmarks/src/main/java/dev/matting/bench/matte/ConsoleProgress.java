package dev.matting.bench.matte;

import dev.matting.api.BatchProgress;
import dev.matting.api.ProgressListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code matte} command's progress display on stderr: on a terminal one bar redrawn in place at most ten times a
 * second; elsewhere (a pipe, a log file, CI) a plain line every few seconds, so logs stay readable. Hand-written: the
 * kept console libraries (me.tongfei:progressbar) bring a terminal library (JLine) for what is one line here.
 */
final class ConsoleProgress implements ProgressListener {
    private static final int WIDTH = 28;

    private final PrintStream err;
    private final boolean terminal;
    private final long minNanosBetween;
    private long lastDraw;
    private boolean drawn;

    ConsoleProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        this.minNanosBetween = terminal ? 100_000_000L : 5_000_000_000L;
    }

    @Override
    public synchronized void onProgress(BatchProgress p) {
        long now = System.nanoTime();
        boolean last = p.total().isPresent() && p.processed() >= p.total().getAsLong();
        if (!last && drawn && now - lastDraw < minNanosBetween) {
            return;
        }
        lastDraw = now;
        drawn = true;
        if (terminal) {
            err.print("\r" + line(p, true) + "\u001b[K");
            if (last) {
                err.println();
                drawn = false;
            }
        } else {
            err.println(line(p, false));
        }
        err.flush();
    }

    /** Prints a message on a line of its own, without tearing a bar that is on screen. */
    synchronized void message(String text) {
        if (terminal && drawn) {
            err.print("\r\u001b[K");
            drawn = false;
        }
        err.println(text);
        err.flush();
    }

    /** Ends the bar's line, if one is on screen. */
    synchronized void finish() {
        if (terminal && drawn) {
            err.println();
            drawn = false;
        }
    }

    static String line(BatchProgress p, boolean bar) {
        StringBuilder sb = new StringBuilder();
        if (p.fraction().isPresent()) {
            double f = p.fraction().get();
            if (bar) {
                int full = (int) Math.round(f * WIDTH);
                sb.append('[').append("#".repeat(full)).append(".".repeat(WIDTH - full)).append("] ");
            }
            sb.append(String.format(Locale.ROOT, "%3.0f%% %d/%d", 100 * f, p.processed(), p.total().getAsLong()));
        } else {
            sb.append(p.processed()).append(" done");
        }
        sb.append(String.format(Locale.ROOT, "  %.1f img/s", p.imagesPerSecond()));
        p.eta().ifPresent(eta -> sb.append("  ETA ").append(clock(eta)));
        if (p.failed() > 0) {
            sb.append("  ").append(p.failed()).append(" failed");
        }
        if (p.skipped() > 0) {
            sb.append("  ").append(p.skipped()).append(" skipped");
        }
        return sb.toString();
    }

    static String clock(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
