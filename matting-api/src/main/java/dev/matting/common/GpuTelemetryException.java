package dev.matting.common;


/** A GPU reading that was asked for cannot be given: no NVML, no such device, a closed monitor, or an NVML error. */
public final class GpuTelemetryException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names which reading cannot be given and why. */
    public GpuTelemetryException(String message) {
        super(message);
    }

    /** As {@link #GpuTelemetryException(String)}, with the NVML error (or NVML's failure to load) as the cause. */
    public GpuTelemetryException(String message, Throwable cause) {
        super(message, cause);
    }
}
