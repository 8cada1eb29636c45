package dev.matting.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.djl.core.BackendContract;
import dev.matting.model.InputType;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.MattingBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend contract on DJL's PyTorch engine (TorchScript). */
class PyTorchBackendTest extends BackendContract {
    @Override
    protected MattingBackend newBackend() {
        return new PyTorchBackend();
    }

    @Override
    protected boolean runsHalfOnCpu() {
        return true;
    }

    @Test
    void theServiceLoaderFindsPyTorch() {
        List<MattingBackend> installed = BackendSelector.installed();
        assertTrue(installed.stream().anyMatch(b -> b instanceof PyTorchBackend), "installed: " + installed);
        PyTorchBackend pt = new PyTorchBackend();
        assertEquals("pytorch", pt.name());
        assertEquals(ModelFormat.TORCHSCRIPT, pt.format());
        assertTrue(pt.priority(Device.gpu(0)) > pt.priority(Device.cpu()));
    }

    /** The jar embeds U²-Netp's TorchScript exports (FP32 and FP16) with its descriptor, licence and provenance. */
    @Test
    void theEmbeddedModelCarriesTorchScriptFiles() {
        ModelSpec spec = ModelSpec.bundled();
        assertEquals("u2netp", spec.name());
        assertTrue(java.nio.file.Files.isRegularFile(spec.requireFile(ModelFormat.TORCHSCRIPT, Precision.FP32)));
        assertTrue(java.nio.file.Files.isRegularFile(spec.requireFile(ModelFormat.TORCHSCRIPT, Precision.FP16)));
        assertEquals(InputType.FLOAT32, spec.inputType());
        for (String f : new String[] {"LICENSE", "PROVENANCE.md"}) {
            assertTrue(PyTorchBackend.class.getClassLoader().getResource(ModelSpec.BUNDLED_RESOURCE + f) != null, f);
        }
    }
}
