package dev.matting.spi;

import dev.matting.common.Device;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import java.util.List;

/**
 * An inference engine the SDK can use, found with {@link java.util.ServiceLoader}. Implementations must be cheap to
 * construct: nothing native may load before {@link #devices()} or {@link #open} is called.
 */
public interface MattingBackend {

    /** Short stable name users pass to pick it: {@code pytorch}, {@code onnxruntime}. */
    String name();

    /** The model format it loads. */
    ModelFormat format();

    /** Higher wins when several backends can serve the same device (measured speed there); ties go to the name. */
    int priority(Device device);

    /** Devices it can run on here, CPU included; empty when its engine cannot load. Never throws. */
    List<Device> devices();

    /** Loads the model for the device and precision in {@code options}. */
    BatchBackend open(ModelSpec spec, BackendOptions options);
}
