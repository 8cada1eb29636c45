package dev.matting.gpu;

import dev.matting.common.GpuTelemetryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link GpuMonitor} fed from a script of frames (one frame = the snapshots of every GPU at one reading), for tests
 * of code that consumes telemetry. Each reading ({@link #snapshot()}, {@link #snapshot(int)}, {@link #freeBytes(int)})
 * serves the next frame; the last frame repeats.
 */
public final class ScriptedGpuMonitor implements GpuMonitor {
    private final List<List<GpuSnapshot>> frames;
    private int served;
    private boolean closed;

    public ScriptedGpuMonitor(List<List<GpuSnapshot>> frames) {
        if (frames == null || frames.isEmpty()) {
            throw new IllegalArgumentException("GPU script is empty: give at least one frame");
        }
        List<List<GpuSnapshot>> copy = new ArrayList<>(frames.size());
        for (int f = 0; f < frames.size(); f++) {
            List<GpuSnapshot> frame = List.copyOf(frames.get(f));
            Set<Integer> seen = new HashSet<>();
            for (GpuSnapshot s : frame) {
                if (!seen.add(s.index())) {
                    throw new IllegalArgumentException("GPU script frame " + f + " has GPU " + s.index() + " twice");
                }
            }
            copy.add(frame);
        }
        this.frames = List.copyOf(copy);
    }

    @Override
    public synchronized List<GpuSnapshot> snapshot() {
        if (closed) {
            throw new GpuTelemetryException("scripted GPU monitor is closed");
        }
        List<GpuSnapshot> frame = frames.get(Math.min(served, frames.size() - 1));
        served++;
        return frame;
    }

    /** How many frames {@link #snapshot()} has served so far (repeats of the last frame included). */
    public synchronized int served() {
        return served;
    }

    /** The frames of the script, in order. */
    public List<List<GpuSnapshot>> frames() {
        return frames;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
