package dev.matting.api;

import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.model.ModelSpec;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeMemorySource;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@link PipelineMatter} (decode, preprocess, scheduler, post-process) over a fake CPU backend, for tests of
 * the batch machinery that need many fast, predictable forward passes. Tests of what a model does use a real one.
 */
final class FakeMatters {
    static final ModelSpec SPEC = ModelSpec.parse(new StringReader("""
            {"name": "fake", "files": {"onnx": {"fp32": "none.onnx"}},
             "input": {"dtype": "uint8", "policy": {"kind": "longest-side", "size": 32, "multiple": 32}},
             "normalization": {"inGraph": true, "mean": [0, 0, 0], "std": [1, 1, 1]},
             "output": {"activation": "none"}}
            """), Path.of("."), "fake model.json");

    private FakeMatters() {
    }

    record Rig(PipelineMatter matter, FakeBatchBackend backend) {
    }

    static Rig rig() {
        return rig(FakeBatchBackend.builder(Device.cpu()).measurable(false).build());
    }

    static Rig rig(FakeBatchBackend backend) {
        MatterOptions options = MatterOptions.builder().device(Device.cpu()).cpuThreads(2).build();
        MattingScheduler scheduler = MattingScheduler.builder().lane(backend).maxBatchSize(8)
                .maxDelay(Duration.ofMillis(2)).memorySource(new FakeMemorySource(backend)).build();
        return new Rig(new PipelineMatter("fake", SPEC, backend, scheduler, options, List.of(scheduler, backend)),
                backend);
    }

    /** Input {@code i} has a size of its own, so a result handed to the wrong input shows. */
    static int width(long i) {
        return 8 + (int) (i % 41);
    }

    static int height(long i) {
        return 6 + (int) (i % 13);
    }

    static ImageSource image(long i) {
        BufferedImage img = new BufferedImage(width(i), height(i), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(new Color((int) (i * 2654435761L) & 0xffffff));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        return ImageSource.of("img" + i, img);
    }
}
