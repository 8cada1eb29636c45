package dev.matting.gpu;

/** The {@code nvmlReturn_t} codes of NVML, with the names and meanings the NVML headers give them. */
enum NvmlError {
    SUCCESS(0, "success"),
    UNINITIALIZED(1, "NVML was not first initialized with nvmlInit()"),
    INVALID_ARGUMENT(2, "a supplied argument is invalid"),
    NOT_SUPPORTED(3, "the requested operation is not available on this device"),
    NO_PERMISSION(4, "the current user does not have permission for this operation"),
    ALREADY_INITIALIZED(5, "NVML is already initialized"),
    NOT_FOUND(6, "a query to find an object was unsuccessful"),
    INSUFFICIENT_SIZE(7, "an input argument is not large enough"),
    INSUFFICIENT_POWER(8, "a device's external power cables are not properly attached"),
    DRIVER_NOT_LOADED(9, "the NVIDIA driver is not loaded"),
    TIMEOUT(10, "the user provided timeout passed"),
    IRQ_ISSUE(11, "the NVIDIA kernel detected an interrupt issue with a GPU"),
    LIBRARY_NOT_FOUND(12, "NVML shared library could not be found or loaded"),
    FUNCTION_NOT_FOUND(13, "the local version of NVML does not implement this function"),
    CORRUPTED_INFOROM(14, "the infoROM is corrupted"),
    GPU_IS_LOST(15, "the GPU has fallen off the bus or has otherwise become inaccessible"),
    RESET_REQUIRED(16, "the GPU requires a reset before it can be used again"),
    OPERATING_SYSTEM(17, "the GPU control device has been blocked by the operating system or cgroups"),
    LIB_RM_VERSION_MISMATCH(18, "the NVML library and the NVIDIA kernel driver versions do not match"),
    IN_USE(19, "the operation cannot be performed because the GPU is currently in use"),
    MEMORY(20, "insufficient memory"),
    NO_DATA(21, "no data"),
    VGPU_ECC_NOT_SUPPORTED(22, "the requested vGPU operation is not available because ECC is enabled"),
    INSUFFICIENT_RESOURCES(23, "ran out of critical resources, other than memory"),
    FREQ_NOT_SUPPORTED(24, "the requested frequency is not supported"),
    ARGUMENT_VERSION_MISMATCH(25, "the provided version is invalid or unsupported"),
    DEPRECATED(26, "the requested functionality has been deprecated"),
    NOT_READY(27, "the system is not ready for the request"),
    GPU_NOT_FOUND(28, "no GPUs were found"),
    INVALID_STATE(29, "the resource is not in the correct state to perform the requested operation"),
    RESET_TYPE_NOT_SUPPORTED(30, "the reset is not supported for the given device or parameters"),
    UNKNOWN(999, "an internal driver error occurred");

    private final int code;
    private final String meaning;

    NvmlError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    int code() {
        return code;
    }

    String meaning() {
        return meaning;
    }

    /** The constant for {@code code}, or {@link #UNKNOWN} for a code newer than this table. */
    static NvmlError of(int code) {
        for (NvmlError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return UNKNOWN;
    }

    /** {@code "NVML_ERROR_NO_PERMISSION (4): the current user ..."}; codes missing from the table keep their number. */
    static String describe(int code) {
        NvmlError e = of(code);
        if (e == UNKNOWN && code != UNKNOWN.code) {
            return "NVML error " + code + " (not in this table)";
        }
        return (e == SUCCESS ? "NVML_SUCCESS" : "NVML_ERROR_" + e.name()) + " (" + code + "): " + e.meaning;
    }
}
