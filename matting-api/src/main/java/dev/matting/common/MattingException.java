package dev.matting.common;

/** Root of every error the SDK throws: unchecked, and its message names the input and the cause. */
public class MattingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MattingException(String message) {
        super(message);
    }

    public MattingException(String message, Throwable cause) {
        super(message, cause);
    }
}
