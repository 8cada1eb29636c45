package dev.matting.djl;

import dev.matting.spi.MattingBackend;

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
}
