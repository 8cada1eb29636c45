package dev.matting.common;


/** A request was still pending when the scheduler's shutdown timeout ran out. */
public final class SchedulerShutdownException extends MattingException {
    private static final long serialVersionUID = 1L;

    public SchedulerShutdownException(String message) {
        super(message);
    }
}
