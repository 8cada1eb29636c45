package dev.matting.common;


/** A request did not complete within its timeout (waiting or running). */
public final class SchedulerTimeoutException extends MattingException {
    private static final long serialVersionUID = 1L;

    public SchedulerTimeoutException(String message) {
        super(message);
    }
}
