package dev.matting.testing;

import dev.matting.common.Device;
import dev.matting.scheduler.MemorySource;
import java.util.HashMap;
import java.util.Map;

/** A {@link MemorySource} that reads the simulated memory of {@link FakeBatchBackend}s, by device. */
public final class FakeMemorySource implements MemorySource {
    private final Map<Device, FakeBatchBackend> byDevice = new HashMap<>();

    public FakeMemorySource(FakeBatchBackend... backends) {
        for (FakeBatchBackend b : backends) {
            byDevice.put(b.device(), b);
        }
    }

    @Override
    public long freeBytes(Device device) {
        FakeBatchBackend b = byDevice.get(device);
        return b == null || !b.measurable() ? UNKNOWN : b.freeBytes();
    }

    @Override
    public long totalBytes(Device device) {
        FakeBatchBackend b = byDevice.get(device);
        return b == null || !b.measurable() ? UNKNOWN : b.totalBytes();
    }
}
