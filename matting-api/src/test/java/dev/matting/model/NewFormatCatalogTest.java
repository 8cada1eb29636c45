package dev.matting.model;

import static dev.matting.model.ModelServer.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in catalogue's descriptors through the real parser, and a catalogue model resolved through the store.
 * NEEDS THE EXTENDED model.json FORMAT of the {@code models} branch: skipped (not failed) until that parser is merged,
 * see {@link ExtendedFormat}.
 */
class NewFormatCatalogTest {
    @TempDir
    Path cache;

    @BeforeEach
    void needsTheExtendedParser() {
        ExtendedFormat.assumeTheParserReadsIt();
    }

    @Test
    void everyBuiltInDescriptorParses() {
        for (CatalogEntry e : ModelCatalog.builtIn().entries()) {
            ModelSpec spec = e.spec(cache.resolve(e.name()));
            JsonObject d = JsonParser.parseString(e.descriptorJson()).getAsJsonObject();
            assertEquals(e.name(), spec.name());
            assertEquals(cache.resolve(e.name()).resolve(e.files().get(0).name()),
                    spec.file(ModelFormat.ONNX, Precision.FP32).orElseThrow(), e.name());
            assertEquals(d.getAsJsonObject("input").get("name").getAsString(), spec.inputName(), e.name());
            assertEquals(InputType.FLOAT32, spec.inputType(), e.name());
            assertFalse(spec.supports(ModelFormat.TORCHSCRIPT, Precision.FP32), e.name());
        }
    }

    @Test
    void u2netpResolvesFromTheBuiltInCatalogueThroughAMirrorAndAWrongFileIsRejected() throws Exception {
        byte[] u2netp = Files.readAllBytes(Path.of("../models/u2netp/u2netp.onnx"));
        try (ModelServer server = ModelServer.start().on("/u2netp.onnx", ok(u2netp)).on("/u2net.onnx", ok(u2netp))) {
            // matting-api's tests carry no embedded model, so u2netp is downloaded like any catalogue model
            ModelStore store = ModelStore.builder().cacheDirectory(cache).mirror(server.base()).offline(false)
                    .readTimeout(Duration.ofSeconds(5)).retries(0).build();

            ModelSpec spec = store.resolve("u2netp");

            assertArrayEquals(u2netp, Files.readAllBytes(spec.requireFile(ModelFormat.ONNX, Precision.FP32)));
            assertEquals(1, server.hits("/u2netp.onnx"));

            // a mirror serving other bytes under u2net's name: the built-in digest refuses them
            ModelException e = assertThrows(ModelException.class, () -> store.resolve("u2net"));
            assertTrue(e.getMessage().contains("u2net.onnx") && e.getMessage().contains("175997641"), e.getMessage());
            assertFalse(Files.exists(cache.resolve("u2net").resolve("u2net.onnx")));
        }
    }
}
