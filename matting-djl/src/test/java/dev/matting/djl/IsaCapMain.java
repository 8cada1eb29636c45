package dev.matting.djl;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import java.util.List;

/**
 * Run in a child JVM by {@link CpuIsaCapEndToEndTest}: opens the PyTorch backend on the CPU (which applies the ISA
 * policy before libtorch loads and runs the known-answer probe), mattes one blank input, and prints the decision.
 * oneDNN, told by the parent to be verbose, prints the ISA it really used on the same stdout.
 */
public final class IsaCapMain {
    private IsaCapMain() {
    }

    public static void main(String[] args) {
        ModelSpec spec = ModelSpec.bundled();
        try (BatchBackend b = new PyTorchBackend().open(spec, new BackendOptions(Device.cpu(), Precision.FP32, 2, false,
                false))) {
            b.run(List.of(ModelInput.blank(spec), ModelInput.blank(spec)));
        }
        System.out.println("decision: " + CpuIsaGuard.applied());
        System.out.flush();
    }
}
