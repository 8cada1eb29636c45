package dev.matting.common;

/** Root of every error the SDK throws: unchecked, and its message names the input and the cause. */
public class MattingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the input and the cause. */
    public MattingException(String message) {
        super(message);
    }

    /** As {@link #MattingException(String)}, with the underlying error as the cause. */
    public MattingException(String message, Throwable cause) {
        super(message, cause);
    }
}
