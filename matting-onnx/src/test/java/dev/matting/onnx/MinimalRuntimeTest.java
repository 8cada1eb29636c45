package dev.matting.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.ImageSource;
import dev.matting.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application linked into a small runtime (jlink) without {@code java.net.http}, which only the model store's
 * downloads need: the embedded default must still load and matte. Before the fix, building the default store loaded
 * the HTTP client's classes and {@code Matters.create()} died with {@code NoClassDefFoundError}. The test runs a child
 * JVM with {@code --limit-modules} (the modules a GPU deployment's jlink image holds) on this test's class path.
 */
class MinimalRuntimeTest {
    static final String MODULES = "java.base,java.desktop,java.logging,java.management,java.naming,java.xml,"
            + "jdk.unsupported,jdk.management";

    @Test
    void theEmbeddedModelMattesOnARuntimeWithoutJavaNetHttp(@TempDir Path cache) throws Exception {
        Path photo = TestModels.repository().resolve("samples/photos/rocket.jpg");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--limit-modules", MODULES, "-Dai.djl.offline=true",
                "-Ddev.matting.models.dir=" + cache, "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), photo.toString()).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child JVM hung");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("no java.net.http; matted 640x427"), out);
    }

    /** The child: proves the module is absent (so the test cannot pass vacuously), then mattes with the default. */
    public static final class Child {
        private Child() {
        }

        /** Mattes {@code args[0]} with {@code Matters.create()} and compares it with rembg's alpha. */
        public static void main(String[] args) throws IOException {
            if (ModuleLayer.boot().findModule("java.net.http").isPresent()) {
                throw new IllegalStateException("java.net.http is present: --limit-modules did not apply");
            }
            Path photo = Path.of(args[0]);
            try (Matter matter = Matters.create()) {
                Matte m = matter.matte(ImageSource.of(photo));
                double mean = TestModels.meanAbsLevels(TestModels.referenceAlpha(photo), m.alphaBytes());
                if (mean > 1.5) {
                    throw new IllegalStateException("the matte differs from rembg's: mean |d| " + mean + " levels");
                }
                System.out.println(String.format(Locale.ROOT, "no java.net.http; matted %dx%d, mean |d| %.3f levels",
                        m.width(), m.height(), mean) + " " + List.of(matter.info()));
            }
        }
    }
}
