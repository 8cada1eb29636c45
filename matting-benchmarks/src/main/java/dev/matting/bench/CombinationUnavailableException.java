package dev.matting.bench;

import dev.matting.common.MattingException;

/** A benchmark combination (backend, device, precision, model) cannot run on this machine; the run skips it. */
public final class CombinationUnavailableException extends MattingException {
    private static final long serialVersionUID = 1L;

    public CombinationUnavailableException(String combination, String reason, Throwable cause) {
        super("skipping " + combination + ": " + reason, cause);
    }
}
