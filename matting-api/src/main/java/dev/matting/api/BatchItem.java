package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome for one input of a {@link BatchJob}, handed to its {@link ResultSink}: the matte, or why there is none.
 *
 * @param index   the input's position in the job's input order, from 0
 * @param source  the input
 * @param status  what happened to it
 * @param matte   the matte when {@link Status#OK}, else {@code null}
 * @param error   the typed error when {@link Status#FAILED} or {@link Status#CANCELLED}, else {@code null}
 * @param reason  why there is no matte (the error's message, or why it was skipped); {@code null} when OK
 * @param output  for folder jobs, the file the matte is (or was, for a skipped input) written to; else {@code null}
 * @param elapsed from submission to result ({@link Duration#ZERO} for a skipped input)
 */
public record BatchItem(long index, ImageSource source, Status status, Matte matte, MattingException error,
        String reason, Path output, Duration elapsed) {

    /** What happened to one input. */
    public enum Status {
        /** Matted (and, in a folder job, written). */
        OK,
        /** Not matted or not written; {@link #error()} says why. Other inputs are not affected. */
        FAILED,
        /** Not submitted: in a folder job, its output already exists from an earlier run. */
        SKIPPED,
        /** Submitted, then cancelled with the job before it finished. */
        CANCELLED
    }

    /**
     * Checks that the components agree with {@code status}.
     *
     * @throws IllegalArgumentException when a matte comes without {@link Status#OK} or OK without one, or an error
     *                                  without {@link Status#FAILED} or {@link Status#CANCELLED} or either of them
     *                                  without one
     */
    public BatchItem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(elapsed, "elapsed");
        if ((status == Status.OK) != (matte != null)) {
            throw new IllegalArgumentException("a matte comes with status OK and only then, got " + status);
        }
        if ((status == Status.FAILED || status == Status.CANCELLED) != (error != null)) {
            throw new IllegalArgumentException("an error comes with FAILED or CANCELLED and only then, got " + status);
        }
    }

    static BatchItem ok(long index, ImageSource source, Matte matte, Path output, Duration elapsed) {
        return new BatchItem(index, source, Status.OK, matte, null, null, output, elapsed);
    }

    static BatchItem failed(long index, ImageSource source, MattingException error, Path output, Duration elapsed) {
        return new BatchItem(index, source, Status.FAILED, null, error, error.getMessage(), output, elapsed);
    }

    static BatchItem cancelled(long index, ImageSource source, MattingException error, Path output, Duration elapsed) {
        return new BatchItem(index, source, Status.CANCELLED, null, error, error.getMessage(), output, elapsed);
    }

    static BatchItem skipped(long index, ImageSource source, String reason, Path output) {
        return new BatchItem(index, source, Status.SKIPPED, null, null, reason, output, Duration.ZERO);
    }

    /** The same input, now failed with {@code e} (a write or a sink that failed after matting). */
    BatchItem asFailed(MattingException e) {
        return failed(index, source, e, output, elapsed);
    }

    /** The matte, when there is one. */
    public Optional<Matte> matteIfPresent() {
        return Optional.ofNullable(matte);
    }

    /** The output file of a folder job, when there is one. */
    public Optional<Path> outputIfPresent() {
        return Optional.ofNullable(output);
    }
}
