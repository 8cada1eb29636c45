package dev.matting.bench.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.matting.api.MatteResult;
import dev.matting.api.Matters;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.model.InputPolicy;
import dev.matting.spi.BackendSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler row's runner on the CPU with the embedded model at 64 px. */
class ScheduledRunnerTest {

    @Test
    void concurrentClientsAllGetTheirMattesInOrder() {
        assumeFalse(BackendSelector.installed().isEmpty(), "no MattingBackend on the class path");
        List<List<ImageSource>> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            List<ImageSource> mine = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                mine.add(ImageSource.of("c" + c + "-" + i + ".jpg",
                        SampleGenerator.jpeg(SampleGenerator.scene(64, 48, 10 * c + i).image().toBufferedImage())));
            }
            clients.add(mine);
        }
        var options = Matters.builder().model(dev.matting.bench.ModelRef.atPolicy(dev.matting.testing.TestModels.tiny(), new InputPolicy.LongestSide(64, 32)))
                .device(Device.cpu()).maxBatchSize(4).cpuThreads(1).intraOpThreads(1).build();
        try (ThroughputRunner runner = ScheduledRunner.open(options, 24L << 30)) {
            List<MatteResult> results = runner.run(clients);
            assertEquals(9, results.size());
            for (int i = 0; i < 9; i++) {
                MatteResult r = results.get(i);
                assertEquals(clients.get(i / 3).get(i % 3), r.source());
                assertTrue(r.isSuccess(), String.valueOf(r.error()));
                assertEquals(64, r.orThrow().width());
                assertEquals(48, r.orThrow().height());
            }
            assertEquals(0, runner.oomRetries());
            assertTrue(runner.describe().contains("micro-batches <= 4") && runner.describe().contains("cap 24 GiB"),
                    runner.describe());
        }
    }
}
