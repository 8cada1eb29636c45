package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.util.Optional;

/**
 * The outcome for one input of a batch: its matte, or the error that stopped that input alone.
 *
 * @param source the input; {@code null} for a {@code null} element of {@link Matter#matteAll}
 * @param matte  the matte, or {@code null} when the input failed
 * @param error  why the input failed, or {@code null} when it has a matte
 */
public record MatteResult(ImageSource source, Matte matte, MattingException error) {

    /**
     * Checks that exactly one of {@code matte} and {@code error} is set.
     *
     * @throws IllegalArgumentException when both or neither are set
     */
    public MatteResult {
        if ((matte == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of matte and error must be set");
        }
    }

    /** The result of an input that was matted. */
    public static MatteResult success(ImageSource source, Matte matte) {
        return new MatteResult(source, matte, null);
    }

    /** The result of an input that failed with {@code error}; the other inputs of the batch are not affected. */
    public static MatteResult failure(ImageSource source, MattingException error) {
        return new MatteResult(source, null, error);
    }

    /** Whether the input was matted ({@link #matte()} is set, {@link #error()} is {@code null}). */
    public boolean isSuccess() {
        return matte != null;
    }

    /** The matte, or empty when the input failed. */
    public Optional<Matte> matteIfPresent() {
        return Optional.ofNullable(matte);
    }

    /** The matte, or the input's error thrown. */
    public Matte orThrow() {
        if (error != null) {
            throw error;
        }
        return matte;
    }
}
