package dev.matting.model;

import dev.matting.common.ModelException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a model name into a {@link ModelSpec} whose files are on local disk and verified: the embedded model is
 * unpacked from the class path, a {@linkplain ModelCatalog catalogue} model is downloaded on first use into a cache
 * folder. Immutable and thread-safe; build one with {@link #builder()}, or take {@link #defaults()}.
 *
 * <pre>{@code
 * ModelStore store = ModelStore.builder()
 *         .cacheDirectory(Path.of("/var/cache/models"))   // default ~/.cache/dev.matting/models
 *         .mirror(URI.create("https://models.example.com/matting/"))
 *         .listener(e -> log.info(e.toString()))
 *         .build();
 * ModelSpec isnet = store.resolve("isnet-general-use");
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 * <li><b>Cache.</b> A catalogue model's files live in {@code <cacheDirectory>/<model name>/<file name>}; the embedded
 * model's in {@code <cacheDirectory>/embedded/<name>-<content hash>/}. The folder is, in order of precedence: the
 * builder's {@link Builder#cacheDirectory}, the system property {@code dev.matting.models.dir}, the environment
 * variable {@code MATTING_MODELS_DIR}, {@code $XDG_CACHE_HOME/dev.matting/models} (when that is an absolute path),
 * {@code ~/.cache/dev.matting/models}.</li>
 * <li><b>Verified before use.</b> A file is used only when its size and SHA-256 (and MD5, when the catalogue lists one;
 * MD5 and size alone where no SHA-256 is published) match the catalogue. A cached file is hashed once per JVM, before
 * its first use, and again whenever its size, modification time or identity on disk changes; a file that fails is
 * deleted and downloaded again (offline: an error).</li>
 * <li><b>Downloads.</b> With the JDK's {@link HttpClient}, into a temporary file in the target folder, hashed while
 * written, synced to disk, checked, then atomically renamed: nothing half-written or wrong ever carries the final name.
 * A wrong size or digest, a truncated body, a reset connection, an HTTP 408/425/429/5xx answer, no answer or no data
 * for {@link Builder#readTimeout} are retried up to {@link Builder#retries} times, pausing {@link Builder#backoff},
 * then twice that, and so on (at most 30 s); an HTTP 404 or another 4xx answer is not retried. Then a
 * {@link ModelException} names the model, the URL, what happened on each attempt and where the file could be put by
 * hand.</li>
 * <li><b>Races.</b> Threads of one JVM, and JVMs sharing the cache, download a file once: an in-JVM lock per file,
 * then an exclusive {@link java.nio.channels.FileChannel#lock} on {@code <file name>.lock} beside it (left in place,
 * empty), then a second look for a valid file before downloading.</li>
 * <li><b>Offline.</b> {@link Builder#offline}, else the system property {@code dev.matting.offline}, else the
 * environment variable {@code MATTING_OFFLINE} ({@code true}/{@code 1}): no network; a missing file is a
 * {@link ModelException} naming the model, the file, its URL, size and digest, and the exact path to put it at.</li>
 * <li><b>Mirror.</b> {@link Builder#mirror}, else {@code dev.matting.models.mirror}, else {@code MATTING_MODELS_MIRROR}:
 * every file is fetched from {@code <mirror>/<file name>} instead of its upstream URL ({@code http}, {@code https} or
 * a {@code file:} folder); the digests are checked all the same.</li>
 * </ul>
 */
public final class ModelStore {
    private final Path cacheDirectory;
    private final boolean offline;
    private final URI mirror;
    private final ModelCatalog catalog;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int retries;
    private final Duration backoff;
    private final ModelFetcher fetcher;

    private ModelStore(Builder b) {
        StoreSettings settings = b.settings;
        this.cacheDirectory = settings.cacheDirectory(b.cacheDirectory);
        this.offline = settings.offline(b.offline);
        URI m = settings.mirror(b.mirror);
        if (b.mirror == null && m != null && !isMirrorUri(m)) {
            throw new ModelException("model mirror " + m + " (from " + StoreSettings.MIRROR_PROPERTY + " or "
                    + StoreSettings.MIRROR_ENV + ") must be an absolute http, https or file URI");
        }
        this.mirror = m;
        this.catalog = b.catalog != null ? b.catalog : ModelCatalog.builtIn();
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.fetcher = new ModelFetcher(offline, connectTimeout, readTimeout, retries, backoff, b.listener);
    }

    /** Starts a store with every setting at its default (see the class comment). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A store with the default settings, read now from the system properties and environment: the built-in catalogue,
     * the default cache folder, online unless {@code dev.matting.offline}/{@code MATTING_OFFLINE} say otherwise.
     */
    public static ModelStore defaults() {
        return builder().build();
    }

    /**
     * The model called {@code name}, its files on local disk and verified: the embedded model when {@code name} is
     * its name and a backend jar carries it (no download), else the catalogue's entry, downloaded on first use.
     *
     * @throws ModelException when the name is unknown (the message lists the catalogue), the model cannot be fetched
     *         or verified (naming the file, URL and what happened), or it is missing while offline (naming the path to
     *         put it at)
     */
    public ModelSpec resolve(String name) {
        Objects.requireNonNull(name, "name");
        if (name.equals(BundledModel.nameOrNull())) {
            return embedded();
        }
        return resolve(catalog.get(name));
    }

    /**
     * The model {@code entry} describes (a custom one, say), its files downloaded on first use and verified, whatever
     * this store's catalogue holds.
     *
     * @throws ModelException as {@link #resolve(String)}; a descriptor the parser rejects fails before any download
     */
    public ModelSpec resolve(CatalogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Path dir = directoryOf(entry.name());
        ModelSpec spec = entry.spec(dir); // a bad descriptor fails here, before hundreds of megabytes are fetched
        for (ModelFile f : entry.files()) {
            fetcher.ensureDownloaded(entry.name(), f, sourceOf(f), dir.resolve(f.name()));
        }
        return spec;
    }

    /**
     * The embedded default model (the one the backend jars carry), unpacked into this store's cache folder. A copy
     * already there is used only when every file's SHA-256 equals the class-path bytes'; otherwise it is rewritten.
     *
     * @throws ModelException when no backend jar carries an embedded model, or the cache folder is not writable
     */
    public ModelSpec embedded() {
        return embedded(BundledModel.content());
    }

    /** Unpacks the embedded model {@code content} (tests pass one read from a class loader of their own). */
    ModelSpec embedded(BundledModel.Content content) {
        return BundledModel.unpack(content, cacheDirectory, fetcher);
    }

    /** The folder a catalogue model called {@code name} is (or would be) cached in; for pre-seeding a cache by hand. */
    public Path directoryOf(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("not a model name: '" + name + "'");
        }
        return cacheDirectory.resolve(name);
    }

    /** Where {@code file} is fetched from: {@code <mirror>/<file name>} when a mirror is set, else its own URL. */
    URI sourceOf(ModelFile file) {
        if (mirror == null) {
            return file.url();
        }
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + file.name() : base + "/" + file.name());
    }

    /** The cache folder (absolute). */
    public Path cacheDirectory() {
        return cacheDirectory;
    }

    /** Whether downloads are off. */
    public boolean offline() {
        return offline;
    }

    /** The base URI files are fetched from instead of their upstream URLs, if set. */
    public Optional<URI> mirror() {
        return Optional.ofNullable(mirror);
    }

    /** The models {@link #resolve(String)} knows. */
    public ModelCatalog catalog() {
        return catalog;
    }

    /** Longest wait to open a connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Longest wait for the response headers, and for each next piece of the body. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Further attempts after a failed one. */
    public int retries() {
        return retries;
    }

    /** Pause before the first retry; each further one waits twice as long, at most 30 s. */
    public Duration backoff() {
        return backoff;
    }

    private static boolean isMirrorUri(URI mirror) {
        String scheme = mirror.getScheme() == null ? "" : mirror.getScheme().toLowerCase(Locale.ROOT);
        return mirror.isAbsolute() && (scheme.equals("http") || scheme.equals("https") || scheme.equals("file"));
    }

    @Override
    public String toString() {
        return "ModelStore[" + cacheDirectory + (offline ? ", offline" : "") + (mirror == null ? "" : ", mirror " + mirror)
                + ", " + catalog.names().size() + " catalogue models]";
    }

    /** Collects a store's settings; each setter checks its value at once and names it when bad. */
    public static final class Builder {
        private StoreSettings settings = StoreSettings.system();
        private Path cacheDirectory;
        private Boolean offline;
        private URI mirror;
        private ModelCatalog catalog;
        private Duration connectTimeout = Duration.ofSeconds(20);
        private Duration readTimeout = Duration.ofSeconds(30);
        private int retries = 3;
        private Duration backoff = Duration.ofSeconds(1);
        private DownloadListener listener = DownloadListener.none();

        private Builder() {
        }

        /** The cache folder; overrides {@code dev.matting.models.dir} and {@code MATTING_MODELS_DIR}. */
        public Builder cacheDirectory(Path dir) {
            this.cacheDirectory = Objects.requireNonNull(dir, "cacheDirectory");
            return this;
        }

        /** No downloads when {@code true}; overrides {@code dev.matting.offline} and {@code MATTING_OFFLINE}. */
        public Builder offline(boolean value) {
            this.offline = value;
            return this;
        }

        /**
         * Fetch every file from {@code <base>/<file name>} instead of its upstream URL (an internal mirror, or a
         * {@code file:} folder); overrides {@code dev.matting.models.mirror} and {@code MATTING_MODELS_MIRROR}.
         */
        public Builder mirror(URI base) {
            if (!isMirrorUri(Objects.requireNonNull(base, "mirror"))) {
                throw new IllegalArgumentException("model mirror " + base + " must be an absolute http, https or file URI");
            }
            this.mirror = base;
            return this;
        }

        /** The models {@link #resolve(String)} knows (default {@link ModelCatalog#builtIn()}). */
        public Builder catalog(ModelCatalog value) {
            this.catalog = Objects.requireNonNull(value, "catalog");
            return this;
        }

        /** Longest wait to open a connection (default 20 s). */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        /** Longest wait for the headers and for each next piece of the body (default 30 s): a stalled download fails. */
        public Builder readTimeout(Duration value) {
            this.readTimeout = positive(value, "readTimeout");
            return this;
        }

        /** Further attempts after a failed download (default 3; 0 = one attempt). */
        public Builder retries(int value) {
            if (value < 0 || value > 20) {
                throw new IllegalArgumentException("retries must be 0..20, got " + value);
            }
            this.retries = value;
            return this;
        }

        /** Pause before the first retry, doubled before each further one, at most 30 s (default 1 s). */
        public Builder backoff(Duration value) {
            if (Objects.requireNonNull(value, "backoff").isNegative()) {
                throw new IllegalArgumentException("backoff must be >= 0, got " + value);
            }
            this.backoff = value;
            return this;
        }

        /** Hears progress and failures (default: {@link DownloadListener#none()}). */
        public Builder listener(DownloadListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Where unset settings are looked up; tests pass fake properties and environment. */
        Builder settings(StoreSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /**
         * Builds the store; reads the system properties and environment for what the builder left unset.
         *
         * @throws ModelException naming the setting when {@code dev.matting.offline}/{@code MATTING_OFFLINE} is
         *         neither true/1 nor false/0, a mirror from a property or the environment is not an absolute http,
         *         https or file URI, or there is no home folder for the default cache
         */
        public ModelStore build() {
            return new ModelStore(this);
        }

        private static Duration positive(Duration d, String what) {
            if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, got " + d);
            }
            return d;
        }
    }
}
