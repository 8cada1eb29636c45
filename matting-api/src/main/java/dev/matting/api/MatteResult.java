package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.util.Optional;

/** The outcome for one input of a batch: its matte, or the error that stopped that input alone. */
public record MatteResult(ImageSource source, Matte matte, MattingException error) {

    public MatteResult {
        if ((matte == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of matte and error must be set");
        }
    }

    public static MatteResult success(ImageSource source, Matte matte) {
        return new MatteResult(source, matte, null);
    }

    public static MatteResult failure(ImageSource source, MattingException error) {
        return new MatteResult(source, null, error);
    }

    public boolean isSuccess() {
        return matte != null;
    }

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
