package dev.matting.common;


/** The device ran out of memory for a batch; the scheduler splits and retries, and reports it only for one image that cannot fit. */
public final class DeviceOutOfMemoryException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the input or batch, the device and what did not fit. */
    public DeviceOutOfMemoryException(String message) {
        super(message);
    }

    /** As {@link #DeviceOutOfMemoryException(String)}, with the engine's own out-of-memory error as the cause. */
    public DeviceOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
