package dev.matting.model;

import static dev.matting.model.ModelServer.ok;
import static dev.matting.model.StoreFixtures.FILE;
import static dev.matting.model.StoreFixtures.quickStore;
import static dev.matting.model.StoreFixtures.tinyBytes;
import static dev.matting.model.StoreFixtures.tinyEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Matters.builder().model("name")}: resolved through the store when the Matter is created, not before. */
class NamedModelOptionsTest {
    @TempDir
    Path cache;

    @Test
    void aNamedModelIsResolvedOnlyWhenAskedForAndThroughTheGivenStore() throws Exception {
        try (ModelServer server = ModelServer.start().on("/" + FILE, ok(tinyBytes()))) {
            ModelStore store = quickStore(cache, tinyEntry("tiny", server.url("/" + FILE))).build();
            MatterOptions options = Matters.builder().modelStore(store).model("tiny").build();

            assertEquals(0, server.hits("/" + FILE), "building options must not download anything");
            assertEquals(Optional.of("tiny"), options.modelName());
            assertEquals(Optional.empty(), options.model());
            assertSame(store, options.modelStore().orElseThrow());
            assertTrue(options.toString().contains("model=tiny"), options.toString());

            ModelSpec spec = options.resolveModel(); // what Matters.create(options) calls first
            assertEquals("tiny", spec.name());
            assertEquals(cache.resolve("tiny"), spec.directory());
            assertEquals(1, server.hits("/" + FILE));
            assertEquals(Optional.of("tiny"), options.toBuilder().build().modelName());
        }
    }

    @Test
    void theLastModelSetWins() {
        ModelSpec folder = ModelSpec.load(Path.of("../models/unet-tiny"));
        MatterOptions byName = Matters.builder().model(folder).model("u2net").build();
        assertEquals(Optional.empty(), byName.model());
        assertEquals(Optional.of("u2net"), byName.modelName());
        MatterOptions bySpec = Matters.builder().model("u2net").model(folder).build();
        assertEquals(Optional.of(folder), bySpec.model());
        assertEquals(Optional.empty(), bySpec.modelName());
        assertSame(folder, bySpec.resolveModel());
    }

    @Test
    void aBlankNameIsRejectedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> Matters.builder().model(" "));
    }
}
