package dev.matting.common;


/** The requested backend, device or precision is not present on this machine (no engine jar, no CUDA, ...). */
public final class BackendUnavailableException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names what is missing and why (which engine jar, device or precision). */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /** As {@link #BackendUnavailableException(String)}, with the engine's or driver's load error as the cause. */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
