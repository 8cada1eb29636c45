package dev.matting.common;


/** A request was not accepted: the queue is full, the scheduler is shut down, or the caller was interrupted while waiting for space. */
public final class SchedulerRejectedException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the input and why it was not accepted. */
    public SchedulerRejectedException(String message) {
        super(message);
    }
}
