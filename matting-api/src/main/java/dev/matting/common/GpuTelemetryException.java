package dev.matting.common;


/** A GPU reading that was asked for cannot be given: no NVML, no such device, a closed monitor, or an NVML error. */
public final class GpuTelemetryException extends MattingException {
    private static final long serialVersionUID = 1L;

    public GpuTelemetryException(String message) {
        super(message);
    }

    public GpuTelemetryException(String message, Throwable cause) {
        super(message, cause);
    }
}
