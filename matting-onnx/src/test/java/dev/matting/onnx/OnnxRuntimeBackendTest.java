package dev.matting.onnx;

import dev.matting.djl.core.BackendContract;
import dev.matting.spi.MattingBackend;

/** The backend contract on DJL's ONNX Runtime engine. */
class OnnxRuntimeBackendTest extends BackendContract {
    @Override
    protected MattingBackend newBackend() {
        return new OnnxRuntimeBackend();
    }

    @Override
    protected boolean runsHalfOnCpu() {
        return true;
    }
}
