package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.nio.file.Path;

/**
 * One input as a job's feeder sees it, before it has an index: what to matte, where a folder job writes it, and why
 * it is skipped (when it is).
 *
 * @param input      the input file of a folder job, else {@code null}
 * @param output     the output file of a folder job, else {@code null}
 * @param skipReason why it is not submitted, or {@code null}
 * @param failure    why it cannot be submitted (an unreadable folder), or {@code null}
 */
record Planned(ImageSource source, Path input, Path output, String skipReason, MattingException failure) {
    static Planned of(ImageSource source) {
        return new Planned(source, null, null, null, null);
    }
}
