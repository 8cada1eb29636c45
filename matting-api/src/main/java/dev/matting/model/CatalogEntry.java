package dev.matting.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A model the {@link ModelStore} knows by name: its files (URL, size, digests), its {@code model.json} descriptor, and
 * what a person choosing a model needs to know (what it is good at, licence, homepage, where each fact came from).
 * Immutable; build one with {@link #builder(String)} for a custom model, or read the built-in ones from
 * {@link ModelCatalog#builtIn()}.
 */
public final class CatalogEntry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** The store keeps unpacked embedded models in a folder of this name, so no catalogue entry may take it. */
    static final String RESERVED_NAME = "embedded";

    private final String name;
    private final String description;
    private final String license;
    private final String licenseNote;
    private final URI homepage;
    private final boolean embedded;
    private final List<ModelFile> files;
    private final List<String> sources;
    private final String descriptorJson;

    private CatalogEntry(Builder b, String descriptorJson) {
        this.name = b.name;
        this.description = b.description;
        this.license = b.license;
        this.licenseNote = b.licenseNote;
        this.homepage = b.homepage;
        this.embedded = b.embedded;
        this.files = List.copyOf(b.files);
        this.sources = List.copyOf(b.sources);
        this.descriptorJson = descriptorJson;
    }

    /** Starts an entry for a model called {@code name} (letters, digits, '.', '_', '-'). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The name {@link ModelStore#resolve(String)} and {@code Matters.builder().model(name)} take. */
    public String name() {
        return name;
    }

    /** What the model is and what it is good at, in a sentence or two. */
    public String description() {
        return description;
    }

    /** SPDX licence identifier of the weights ({@code NOASSERTION} when the publisher states none). */
    public String license() {
        return license;
    }

    /** Caveats about the licence (dataset terms, unclear provenance), when there are any. */
    public Optional<String> licenseNote() {
        return Optional.ofNullable(licenseNote);
    }

    /** The model's upstream project page. */
    public Optional<URI> homepage() {
        return Optional.ofNullable(homepage);
    }

    /**
     * Whether the backend jars carry this model: then the store unpacks it from the class path instead of downloading
     * it, when it is there (see {@link ModelStore#embedded()}).
     */
    public boolean embedded() {
        return embedded;
    }

    /** The files to download, in order. */
    public List<ModelFile> files() {
        return files;
    }

    /** Sum of the files' sizes in bytes: what a first use downloads. */
    public long totalSize() {
        return files.stream().mapToLong(ModelFile::size).sum();
    }

    /** Where each fact came from (URLs, digests, pre- and post-processing), for people checking the catalogue. */
    public List<String> sources() {
        return sources;
    }

    /** The {@code model.json} descriptor of this model, as JSON text. */
    public String descriptorJson() {
        return descriptorJson;
    }

    /**
     * The model's input as a person would say it, from its descriptor: e.g. {@code 320x320 stretched},
     * {@code short side 512, multiple of 32}.
     */
    public String inputSummary() {
        try {
            JsonObject policy = JsonParser.parseString(descriptorJson).getAsJsonObject().getAsJsonObject("input")
                    .getAsJsonObject("policy");
            String kind = policy.get("kind").getAsString();
            return switch (kind) {
                case "stretch" -> policy.get("width").getAsInt() + "x" + policy.get("height").getAsInt() + " stretched";
                case "short-side" -> "short side " + policy.get("size").getAsInt() + multiple(policy);
                case "longest-side" -> "longest side " + policy.get("size").getAsInt() + multiple(policy);
                case "fixed-square" -> policy.get("size").getAsInt() + "x" + policy.get("size").getAsInt() + " letterboxed";
                default -> kind;
            };
        } catch (RuntimeException e) {
            return "see descriptor";
        }
    }

    private static String multiple(JsonObject policy) {
        return policy.has("multiple") ? ", multiple of " + policy.get("multiple").getAsInt() : "";
    }

    /** Parses the descriptor for a copy of the model whose files live in {@code directory}. */
    ModelSpec spec(Path directory) {
        return ModelSpec.parse(new StringReader(descriptorJson), directory, "catalogue entry '" + name + "' model.json");
    }

    /** The file called {@code fileName}, if this entry has one. */
    Optional<ModelFile> file(String fileName) {
        return files.stream().filter(f -> f.name().equals(fileName)).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogEntry e && e.name.equals(name) && e.description.equals(description)
                && e.license.equals(license) && Objects.equals(e.licenseNote, licenseNote)
                && Objects.equals(e.homepage, homepage) && e.embedded == embedded && e.files.equals(files)
                && e.sources.equals(sources) && e.descriptorJson.equals(descriptorJson);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, files, descriptorJson);
    }

    @Override
    public String toString() {
        return name + " (" + totalSize() + " bytes, " + license + (embedded ? ", embedded" : "") + ")";
    }

    /** Collects an entry; {@link #build()} checks that the descriptor and the files agree. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private String license = "NOASSERTION";
        private String licenseNote;
        private URI homepage;
        private boolean embedded;
        private final List<ModelFile> files = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();
        private String descriptor;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** What the model is good at. */
        public Builder description(String text) {
            this.description = Objects.requireNonNull(text, "description");
            return this;
        }

        /** SPDX identifier of the weights' licence. */
        public Builder license(String spdx) {
            this.license = Objects.requireNonNull(spdx, "license");
            return this;
        }

        /** Caveats about the licence; {@code null} for none. */
        public Builder licenseNote(String note) {
            this.licenseNote = note;
            return this;
        }

        /** The upstream project page; {@code null} for none. */
        public Builder homepage(URI uri) {
            this.homepage = uri;
            return this;
        }

        /** Whether the backend jars carry this model (see {@link CatalogEntry#embedded()}). */
        public Builder embedded(boolean value) {
            this.embedded = value;
            return this;
        }

        /** Adds a file to download. */
        public Builder file(ModelFile file) {
            files.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** Adds a note on where a fact came from. */
        public Builder source(String text) {
            sources.add(Objects.requireNonNull(text, "source"));
            return this;
        }

        /** The {@code model.json} descriptor, as JSON text (see the README for the format). */
        public Builder descriptor(String json) {
            this.descriptor = Objects.requireNonNull(json, "descriptor");
            return this;
        }

        /**
         * Builds the entry.
         *
         * @throws IllegalArgumentException naming the problem: a bad or reserved name, no files, two files of one
         *         name, no descriptor, a descriptor that is not a JSON object, whose {@code name} differs from the
         *         entry's, or whose {@code files} lists a file the entry does not have
         */
        public CatalogEntry build() {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("catalogue entry name '" + name
                        + "' must start with a letter or digit and hold only letters, digits, '.', '_', '-'");
            }
            if (name.equals(RESERVED_NAME)) {
                throw new IllegalArgumentException("catalogue entry name '" + RESERVED_NAME + "' is reserved for the "
                        + "store's unpacked embedded models");
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("catalogue entry '" + name + "' lists no files");
            }
            Set<String> fileNames = new HashSet<>();
            for (ModelFile f : files) {
                if (!fileNames.add(f.name())) {
                    throw new IllegalArgumentException("catalogue entry '" + name + "' lists file '" + f.name() + "' twice");
                }
            }
            if (descriptor == null) {
                throw new IllegalArgumentException("catalogue entry '" + name + "' has no model.json descriptor");
            }
            JsonObject root;
            try {
                JsonElement el = JsonParser.parseString(descriptor);
                if (!el.isJsonObject()) {
                    throw new IllegalArgumentException("catalogue entry '" + name + "': descriptor is not a JSON object");
                }
                root = el.getAsJsonObject();
            } catch (JsonParseException e) {
                throw new IllegalArgumentException("catalogue entry '" + name + "': descriptor is not valid JSON: "
                        + e.getMessage(), e);
            }
            JsonElement descName = root.get("name");
            if (descName == null || !descName.isJsonPrimitive() || !descName.getAsString().equals(name)) {
                throw new IllegalArgumentException("catalogue entry '" + name + "': descriptor name " + descName
                        + " must equal the entry name");
            }
            // Every file the descriptor names must be one the store downloads, or the backend would find it missing.
            if (root.get("files") instanceof JsonObject filesJson) {
                for (Map.Entry<String, JsonElement> format : filesJson.entrySet()) {
                    if (!format.getValue().isJsonObject()) {
                        continue;
                    }
                    for (Map.Entry<String, JsonElement> p : format.getValue().getAsJsonObject().entrySet()) {
                        String file = p.getValue().isJsonPrimitive() ? p.getValue().getAsString() : String.valueOf(p.getValue());
                        if (!fileNames.contains(file)) {
                            throw new IllegalArgumentException("catalogue entry '" + name + "': descriptor files."
                                    + format.getKey() + "." + p.getKey() + " names '" + file + "', which is not among the "
                                    + "entry's files " + fileNames);
                        }
                    }
                }
            }
            return new CatalogEntry(this, root.toString());
        }
    }
}
