package dev.matting.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.matting.common.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The models a {@link ModelStore} can resolve by name. Immutable.
 *
 * <p>{@link #builtIn()} lists the models this SDK knows (U²-Net family, ISNet, BiRefNet, MODNet), each with its
 * upstream URL, size, digests, licence and descriptor; it is the resource {@code dev/matting/model/catalog.json} in
 * the matting-api jar. A company can {@linkplain #load(Path) load} a catalogue of its own in the same JSON shape, or add
 * entries to the built-in one with {@link #with(CatalogEntry...)}.
 *
 * <p>The JSON shape: {@code {"format": 1, "models": [{"name", "description", "license", "licenseNote",
 * "homepage", "embedded", "sources": [...], "files": [{"name", "url", "size", "sha256", "md5"}],
 * "descriptor": {model.json}}]}}.
 */
public final class ModelCatalog {
    /** Classpath location of the built-in catalogue. */
    static final String BUILT_IN_RESOURCE = "dev/matting/model/catalog.json";

    private static volatile ModelCatalog builtIn;

    private final Map<String, CatalogEntry> entries;

    private ModelCatalog(Map<String, CatalogEntry> entries) {
        this.entries = entries;
    }

    /** The catalogue shipped in the matting-api jar; read once. */
    public static ModelCatalog builtIn() {
        ModelCatalog c = builtIn;
        if (c == null) {
            synchronized (ModelCatalog.class) {
                c = builtIn;
                if (c == null) {
                    try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN_RESOURCE)) {
                        if (in == null) {
                            throw new ModelException("the built-in model catalogue " + BUILT_IN_RESOURCE
                                    + " is missing from the class path (a repackaged matting-api jar?)");
                        }
                        c = parse(new InputStreamReader(in, StandardCharsets.UTF_8), "built-in " + BUILT_IN_RESOURCE);
                    } catch (IOException e) {
                        throw new ModelException("cannot read the built-in model catalogue: " + e.getMessage(), e);
                    }
                    builtIn = c;
                }
            }
        }
        return c;
    }

    /** A catalogue of exactly these entries (e.g. one custom model, for {@link ModelStore.Builder#catalog}). */
    public static ModelCatalog of(CatalogEntry... entries) {
        return of(List.of(entries));
    }

    /**
     * A catalogue of exactly these entries, in this order.
     *
     * @throws IllegalArgumentException when two entries share a name
     */
    public static ModelCatalog of(Collection<CatalogEntry> entries) {
        Map<String, CatalogEntry> map = new LinkedHashMap<>();
        for (CatalogEntry e : entries) {
            if (map.put(Objects.requireNonNull(e, "entry").name(), e) != null) {
                throw new IllegalArgumentException("two catalogue entries are named '" + e.name() + "'");
            }
        }
        return new ModelCatalog(map);
    }

    /** Reads a catalogue JSON file (the shape described in the class comment). */
    public static ModelCatalog load(Path json) {
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            return parse(r, json.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read model catalogue " + json + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses catalogue JSON; {@code origin} names it in errors.
     *
     * @throws ModelException naming the origin, the entry and the field when the JSON is malformed or an entry is
     *         invalid
     */
    public static ModelCatalog parse(Reader json, String origin) {
        JsonObject root;
        try {
            JsonElement el = JsonParser.parseReader(json);
            if (!el.isJsonObject()) {
                throw new ModelException(origin + ": a model catalogue must be a JSON object");
            }
            root = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelException(origin + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!root.has("format") || !root.get("format").isJsonPrimitive() || root.get("format").getAsInt() != 1) {
            throw new ModelException(origin + ": 'format' must be 1, got " + root.get("format"));
        }
        if (!(root.get("models") instanceof JsonArray models)) {
            throw new ModelException(origin + ": missing array 'models'");
        }
        List<CatalogEntry> list = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            String where = origin + ": models[" + i + "]";
            if (!models.get(i).isJsonObject()) {
                throw new ModelException(where + " is not an object");
            }
            JsonObject m = models.get(i).getAsJsonObject();
            String name = text(m, "name", where, true);
            where = origin + ": model '" + name + "'";
            try {
                CatalogEntry.Builder b = CatalogEntry.builder(name).description(text(m, "description", where, true))
                        .license(text(m, "license", where, true)).licenseNote(text(m, "licenseNote", where, false))
                        .embedded(m.has("embedded") && m.get("embedded").getAsBoolean());
                String homepage = text(m, "homepage", where, false);
                if (homepage != null) {
                    b.homepage(URI.create(homepage));
                }
                if (m.get("sources") instanceof JsonArray sources) {
                    for (JsonElement s : sources) {
                        b.source(s.getAsString());
                    }
                }
                if (!(m.get("files") instanceof JsonArray files)) {
                    throw new ModelException(where + ": missing array 'files'");
                }
                for (int j = 0; j < files.size(); j++) {
                    String fw = where + ": files[" + j + "]";
                    if (!files.get(j).isJsonObject()) {
                        throw new ModelException(fw + " is not an object");
                    }
                    JsonObject f = files.get(j).getAsJsonObject();
                    if (!f.has("size") || !f.get("size").isJsonPrimitive()) {
                        throw new ModelException(fw + ": missing number 'size'");
                    }
                    b.file(ModelFile.of(text(f, "name", fw, true), URI.create(text(f, "url", fw, true)),
                            f.get("size").getAsLong(), text(f, "sha256", fw, false), text(f, "md5", fw, false)));
                }
                if (!(m.get("descriptor") instanceof JsonObject descriptor)) {
                    throw new ModelException(where + ": missing object 'descriptor' (the model.json)");
                }
                list.add(b.descriptor(descriptor.toString()).build());
            } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
                throw new ModelException(where + ": " + e.getMessage(), e);
            }
        }
        try {
            return of(list);
        } catch (IllegalArgumentException e) {
            throw new ModelException(origin + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonObject o, String key, String where, boolean required) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            if (required) {
                throw new ModelException(where + ": missing string '" + key + "'");
            }
            return null;
        }
        if (!v.isJsonPrimitive()) {
            throw new ModelException(where + ": '" + key + "' must be a string, got " + v);
        }
        return v.getAsString();
    }

    /** Every entry, in catalogue order. */
    public List<CatalogEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** Every entry's name, in catalogue order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The entry called {@code name}, if there is one. */
    public Optional<CatalogEntry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * The entry called {@code name}.
     *
     * @throws ModelException naming the model and listing the names the catalogue has
     */
    public CatalogEntry get(String name) {
        CatalogEntry e = entries.get(name);
        if (e == null) {
            throw new ModelException("unknown model '" + name + "': the catalogue has " + names()
                    + "; for a model folder of your own use Matters.builder().model(Path)");
        }
        return e;
    }

    /** A catalogue with these entries added; an entry replaces one of the same name in place. */
    public ModelCatalog with(CatalogEntry... more) {
        Map<String, CatalogEntry> map = new LinkedHashMap<>(entries);
        for (CatalogEntry e : more) {
            map.put(Objects.requireNonNull(e, "entry").name(), e);
        }
        return new ModelCatalog(map);
    }

    @Override
    public String toString() {
        return "ModelCatalog" + names();
    }
}
