package dev.matting.model;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One file of a {@link CatalogEntry}: its name in the cache, where it is downloaded from, and the size and digests the
 * downloaded bytes must have before the SDK uses them. Immutable.
 *
 * <p>A file carries a SHA-256, an MD5, or both. Both are checked whenever they are known. SHA-256 is the guarantee
 * that matters: MD5 is broken for collisions, so a file listed with an MD5 alone (the catalogue's {@code silueta},
 * whose publisher gives no SHA-256) is protected against corruption and accidental substitution, not against a
 * deliberately crafted look-alike. {@link #hasSha256()} tells which guarantee a file has.
 */
public final class ModelFile {
    /** Plain file names only: no separators, no leading dot (temporary and lock files start with one). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    private final String name;
    private final URI url;
    private final long size;
    private final String sha256;
    private final String md5;

    private ModelFile(String name, URI url, long size, String sha256, String md5) {
        this.name = name;
        this.url = url;
        this.size = size;
        this.sha256 = sha256;
        this.md5 = md5;
    }

    /**
     * A file with its upstream URL, exact size in bytes and lower- or upper-case hex digests; {@code sha256} or
     * {@code md5} may be {@code null}, not both.
     *
     * @throws IllegalArgumentException naming the bad value: a name with a path separator or a leading dot, a URL
     *         that is not absolute http, https or file, a size below 1, a digest of the wrong length or alphabet, or
     *         no digest at all
     */
    public static ModelFile of(String name, URI url, long size, String sha256, String md5) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        if (!NAME.matcher(name).matches() || name.equals("..")) {
            throw new IllegalArgumentException("model file name '" + name + "' must be a plain file name "
                    + "(letters, digits, '.', '_', '-'; no leading dot)");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("file"))) {
            throw new IllegalArgumentException("model file '" + name + "': URL " + url + " must be absolute http, https or file");
        }
        if (size < 1) {
            throw new IllegalArgumentException("model file '" + name + "': size must be >= 1 byte, got " + size);
        }
        String sha = digest(sha256, SHA256, "sha256", name);
        String m5 = digest(md5, MD5, "md5", name);
        if (sha == null && m5 == null) {
            throw new IllegalArgumentException("model file '" + name + "' needs a sha256 or an md5 digest");
        }
        return new ModelFile(name, url, size, sha, m5);
    }

    private static String digest(String hex, Pattern format, String kind, String file) {
        if (hex == null) {
            return null;
        }
        String h = hex.trim().toLowerCase(Locale.ROOT);
        if (!format.matcher(h).matches()) {
            throw new IllegalArgumentException("model file '" + file + "': " + kind + " '" + hex + "' is not "
                    + (kind.equals("sha256") ? 64 : 32) + " hex digits");
        }
        return h;
    }

    /** The file's name inside its model's cache folder (also the name fetched from a mirror). */
    public String name() {
        return name;
    }

    /** Where the file is downloaded from when no mirror is set. */
    public URI url() {
        return url;
    }

    /** Exact size in bytes; a download of any other length is rejected. */
    public long size() {
        return size;
    }

    /** Lower-case hex SHA-256 the bytes must have, when the publisher's is known. */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    /** Lower-case hex MD5 the bytes must have, when known (rembg publishes MD5s for its files). */
    public Optional<String> md5() {
        return Optional.ofNullable(md5);
    }

    /** Whether the file is pinned by SHA-256 (the strong guarantee) rather than by MD5 and size alone. */
    public boolean hasSha256() {
        return sha256 != null;
    }

    /** The strongest digest as {@code sha256:<hex>} or {@code md5:<hex>}, for messages. */
    public String digestLabel() {
        return sha256 != null ? "sha256:" + sha256 : "md5:" + md5;
    }

    /** The same file served from another URL (used for custom catalogues and mirrors of one file). */
    public ModelFile withUrl(URI other) {
        return of(name, other, size, sha256, md5);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelFile f && f.name.equals(name) && f.url.equals(url) && f.size == size
                && Objects.equals(f.sha256, sha256) && Objects.equals(f.md5, md5);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, url, size, sha256, md5);
    }

    @Override
    public String toString() {
        return name + " (" + size + " bytes, " + digestLabel() + ", " + url + ")";
    }
}
