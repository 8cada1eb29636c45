package dev.matting.common;


/** The device ran out of memory for a batch; the scheduler splits and retries, and reports it only for one image that cannot fit. */
public final class DeviceOutOfMemoryException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public DeviceOutOfMemoryException(String message) {
        super(message);
    }

    public DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
