package dev.matting.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.ModelException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Where the cache folder, the offline switch and the mirror come from: builder, then property, then environment. */
class StoreSettingsTest {
    private static final Path HOME = Path.of("/home/someone");

    private static StoreSettings settings(Map<String, String> props, Map<String, String> env) {
        Map<String, String> p = new HashMap<>(props);
        p.putIfAbsent("user.home", HOME.toString());
        return new StoreSettings(p::get, env::get);
    }

    @Property
    void theFirstSourceThatIsSetDecidesTheCacheFolder(@ForAll boolean builder, @ForAll boolean property,
            @ForAll boolean env, @ForAll boolean xdg) {
        Map<String, String> props = new HashMap<>();
        Map<String, String> envs = new HashMap<>();
        if (property) {
            props.put("dev.matting.models.dir", "/from/property");
        }
        if (env) {
            envs.put("MATTING_MODELS_DIR", "/from/env");
        }
        if (xdg) {
            envs.put("XDG_CACHE_HOME", "/xdg/cache");
        }
        Path got = settings(props, envs).cacheDirectory(builder ? Path.of("/from/builder") : null);
        Path expected = builder ? Path.of("/from/builder") : property ? Path.of("/from/property") : env ? Path.of("/from/env")
                : xdg ? Path.of("/xdg/cache/dev.matting/models") : HOME.resolve(".cache/dev.matting/models");
        assertEquals(expected, got);
    }

    @Property
    void theFirstSourceThatIsSetDecidesOffline(@ForAll Boolean builder, @ForAll boolean property, @ForAll boolean propertyValue,
            @ForAll boolean env, @ForAll boolean envValue) {
        Map<String, String> props = new HashMap<>();
        Map<String, String> envs = new HashMap<>();
        if (property) {
            props.put("dev.matting.offline", propertyValue ? "true" : "false");
        }
        if (env) {
            envs.put("MATTING_OFFLINE", envValue ? "1" : "0");
        }
        boolean expected = builder != null ? builder : property ? propertyValue : env && envValue;
        assertEquals(expected, settings(props, envs).offline(builder));
    }

    @Test
    void aRelativeXdgCacheHomeIsIgnoredAsTheSpecificationSays() {
        assertEquals(HOME.resolve(".cache/dev.matting/models"),
                settings(Map.of(), Map.of("XDG_CACHE_HOME", "relative/cache")).cacheDirectory(null));
    }

    @Test
    void blankValuesCountAsUnset() {
        assertEquals(Path.of("/from/env"), settings(Map.of("dev.matting.models.dir", "  "),
                Map.of("MATTING_MODELS_DIR", "/from/env")).cacheDirectory(null));
        assertFalse(settings(Map.of("dev.matting.offline", ""), Map.of()).offline(null));
    }

    @Test
    void offlineFlagsAcceptTheUsualSpellingsAndRejectOthersByName() {
        for (String yes : new String[] {"true", "TRUE", "1", "yes", "on"}) {
            assertTrue(settings(Map.of(), Map.of("MATTING_OFFLINE", yes)).offline(null), yes);
        }
        for (String no : new String[] {"false", "0", "no", "off"}) {
            assertFalse(settings(Map.of(), Map.of("MATTING_OFFLINE", no)).offline(null), no);
        }
        ModelException e = assertThrows(ModelException.class,
                () -> settings(Map.of(), Map.of("MATTING_OFFLINE", "maybe")).offline(null));
        assertTrue(e.getMessage().contains("MATTING_OFFLINE") && e.getMessage().contains("maybe"), e.getMessage());
    }

    @Test
    void theMirrorFollowsTheSamePrecedence() {
        StoreSettings both = settings(Map.of("dev.matting.models.mirror", "https://prop.example/m/"),
                Map.of("MATTING_MODELS_MIRROR", "https://env.example/m/"));
        assertEquals(URI.create("https://builder.example/"), both.mirror(URI.create("https://builder.example/")));
        assertEquals(URI.create("https://prop.example/m/"), both.mirror(null));
        assertEquals(URI.create("https://env.example/m/"),
                settings(Map.of(), Map.of("MATTING_MODELS_MIRROR", "https://env.example/m/")).mirror(null));
        assertNull(settings(Map.of(), Map.of()).mirror(null));
    }

    @Test
    void aBadMirrorFromTheEnvironmentIsAModelExceptionNamingIt() {
        StoreSettings s = settings(Map.of(), Map.of("MATTING_MODELS_MIRROR", "ftp://old.example/models/"));
        ModelException e = assertThrows(ModelException.class, () -> ModelStore.builder().settings(s).build());
        assertTrue(e.getMessage().contains("MATTING_MODELS_MIRROR") && e.getMessage().contains("ftp://old.example/models/"),
                e.getMessage());
    }

    @Test
    void theBuilderUsesTheSameRules() {
        StoreSettings s = settings(Map.of("dev.matting.models.dir", "/from/property"), Map.of("MATTING_MODELS_DIR", "/from/env"));
        assertEquals(Path.of("/from/property"), ModelStore.builder().settings(s).build().cacheDirectory());
        assertEquals(Path.of("/mine"), ModelStore.builder().settings(s).cacheDirectory(Path.of("/mine")).build().cacheDirectory());
        assertEquals(Path.of("/from/property/u2net"), ModelStore.builder().settings(s).build().directoryOf("u2net"));
    }
}
