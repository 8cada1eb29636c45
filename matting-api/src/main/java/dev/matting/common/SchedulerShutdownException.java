package dev.matting.common;


/** A request was still pending when the scheduler's shutdown timeout ran out. */
public final class SchedulerShutdownException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the input and the stage it was still in. */
    public SchedulerShutdownException(String message) {
        super(message);
    }
}
