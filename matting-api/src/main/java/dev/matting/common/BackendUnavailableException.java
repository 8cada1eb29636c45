package dev.matting.common;


/** The requested backend, device or precision is not present on this machine (no engine jar, no CUDA, ...). */
public final class BackendUnavailableException extends MattingException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
