package dev.matting.model;

import dev.matting.common.ModelException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The one place that decides where the store's settings come from: a value given to the builder, else the system
 * property, else the environment variable, else the default. The README's "Models" section documents this table.
 * Lookups are passed in, so tests exercise the precedence without touching the real environment. A bad value from a
 * property or the environment is a {@link ModelException} naming it (it surfaces from {@code Matters...create()}).
 */
final class StoreSettings {
    /** System property naming the cache folder. */
    static final String DIR_PROPERTY = "dev.matting.models.dir";
    /** Environment variable naming the cache folder. */
    static final String DIR_ENV = "MATTING_MODELS_DIR";
    /** System property: {@code true}/{@code 1} forbids downloads. */
    static final String OFFLINE_PROPERTY = "dev.matting.offline";
    /** Environment variable: {@code true}/{@code 1} forbids downloads. */
    static final String OFFLINE_ENV = "MATTING_OFFLINE";
    /** System property: base URI model files are fetched from instead of their upstream URLs. */
    static final String MIRROR_PROPERTY = "dev.matting.models.mirror";
    /** Environment variable: base URI model files are fetched from instead of their upstream URLs. */
    static final String MIRROR_ENV = "MATTING_MODELS_MIRROR";

    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;

    StoreSettings(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** Reads the real system properties and environment. */
    static StoreSettings system() {
        return new StoreSettings(System::getProperty, System::getenv);
    }

    /**
     * The cache folder: the builder's, else {@value #DIR_PROPERTY}, else {@value #DIR_ENV}, else
     * {@code $XDG_CACHE_HOME/dev.matting/models} (when that variable holds an absolute path, as the XDG specification
     * requires), else {@code ~/.cache/dev.matting/models}.
     */
    Path cacheDirectory(Path fromBuilder) {
        if (fromBuilder != null) {
            return fromBuilder.toAbsolutePath().normalize();
        }
        String p = set(properties.apply(DIR_PROPERTY));
        if (p != null) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        String e = set(environment.apply(DIR_ENV));
        if (e != null) {
            return Path.of(e).toAbsolutePath().normalize();
        }
        String xdg = set(environment.apply("XDG_CACHE_HOME"));
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "dev.matting", "models").normalize();
        }
        String home = set(properties.apply("user.home"));
        if (home == null || home.equals("?")) {
            throw new ModelException("no home folder to put the model cache in (user.home is " + home
                    + "): set " + DIR_PROPERTY + " or " + DIR_ENV);
        }
        return Path.of(home, ".cache", "dev.matting", "models").toAbsolutePath().normalize();
    }

    /** Offline: the builder's, else {@value #OFFLINE_PROPERTY}, else {@value #OFFLINE_ENV}, else online. */
    boolean offline(Boolean fromBuilder) {
        if (fromBuilder != null) {
            return fromBuilder;
        }
        Boolean p = flag(properties.apply(OFFLINE_PROPERTY), "system property " + OFFLINE_PROPERTY);
        if (p != null) {
            return p;
        }
        Boolean e = flag(environment.apply(OFFLINE_ENV), "environment variable " + OFFLINE_ENV);
        return e != null && e;
    }

    /** The mirror: the builder's, else {@value #MIRROR_PROPERTY}, else {@value #MIRROR_ENV}, else none ({@code null}). */
    URI mirror(URI fromBuilder) {
        if (fromBuilder != null) {
            return fromBuilder;
        }
        String p = set(properties.apply(MIRROR_PROPERTY));
        if (p != null) {
            return mirrorUri(p, "system property " + MIRROR_PROPERTY);
        }
        String e = set(environment.apply(MIRROR_ENV));
        return e == null ? null : mirrorUri(e, "environment variable " + MIRROR_ENV);
    }

    private static URI mirrorUri(String text, String where) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException ex) {
            throw new ModelException(where + " is not a URI: '" + text + "'", ex);
        }
    }

    private static String set(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** {@code true/1/yes/on} or {@code false/0/no/off}, any case; blank means unset; anything else is an error. */
    static Boolean flag(String value, String where) {
        String v = set(value);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> Boolean.TRUE;
            case "false", "0", "no", "off" -> Boolean.FALSE;
            default -> throw new ModelException(where + " must be true/1 or false/0, got '" + value + "'");
        };
    }
}
