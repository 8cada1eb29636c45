package dev.matting.common;


/** A request did not complete within its timeout (waiting or running). */
public final class SchedulerTimeoutException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the input, the limit, the time elapsed and the stage it was in. */
    public SchedulerTimeoutException(String message) {
        super(message);
    }
}
