package dev.matting.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code model.json} descriptor that sits beside a model's files: which file serves each format and precision,
 * how inputs are sized and normalised, and how the output becomes alpha. See the README for the format.
 */
public final class ModelSpec {
    /** Classpath folder of the embedded default model (U²-Netp); the backend jars carry its files. */
    public static final String BUNDLED_RESOURCE = "dev/matting/models/u2netp/";

    private final String name;
    private final String description;
    private final String license;
    private final String homepage;
    private final Path directory;
    private final Map<ModelFormat, Map<Precision, String>> files;
    private final String inputName;
    private final InputType inputType;
    private final InputPolicy policy;
    private final ResizeFilter inputResize;
    private final Normalization normalization;
    private final OutputAdapter output;

    ModelSpec(String name, String description, String license, String homepage, Path directory,
            Map<ModelFormat, Map<Precision, String>> files, String inputName, InputType inputType, InputPolicy policy,
            ResizeFilter inputResize, Normalization normalization, OutputAdapter output) {
        this.name = name;
        this.description = description;
        this.license = license;
        this.homepage = homepage;
        this.directory = directory;
        this.files = files;
        this.inputName = inputName;
        this.inputType = inputType;
        this.policy = policy;
        this.inputResize = inputResize;
        this.normalization = normalization;
        this.output = output;
    }

    /** Loads a descriptor from a {@code model.json} file, or from a folder that holds one. */
    public static ModelSpec load(Path path) {
        Path json = Files.isDirectory(path) ? path.resolve("model.json") : path;
        if (!Files.isRegularFile(json)) {
            throw new ModelException("no model descriptor at " + json.toAbsolutePath());
        }
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            return parse(r, json.toAbsolutePath().getParent(), json.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read model descriptor " + json + ": " + e.getMessage(), e);
        }
    }

    /**
     * The embedded default model, U²-Netp (the U²-Net authors' small salient-object model, run as rembg runs it),
     * unpacked from the backend jars into the default {@link ModelStore}'s cache folder and verified against the
     * class-path bytes ({@code ModelStore.defaults().embedded()}).
     */
    public static ModelSpec bundled() {
        return ModelStore.defaults().embedded();
    }

    /**
     * Parses and validates a descriptor whose files live in {@code directory}; {@code origin} names it in errors.
     * Every error is a {@link ModelException} whose message names the origin and the field, e.g.
     * {@code u2netp/model.json: input.policy.width must be 1..16384, got 0}. Unknown keys are rejected (a typo must
     * not silently fall back to a default), except top-level keys that start with {@code x-}, kept for extensions.
     */
    public static ModelSpec parse(Reader json, Path directory, String origin) {
        JsonObject root;
        try {
            JsonElement el = JsonParser.parseReader(json);
            if (!el.isJsonObject()) {
                throw new ModelException(origin + ": a model descriptor must be a JSON object");
            }
            root = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelException(origin + ": not valid JSON: " + e.getMessage(), e);
        }
        return Descriptor.read(root, directory, origin);
    }

    static ModelSpec parse(InputStream in, Path directory, String origin) throws IOException {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(r, directory, origin);
        }
    }

    /** The model's name, as {@code model.json} gives it. */
    public String name() {
        return name;
    }

    /** Free text about the model; empty when the descriptor has none. */
    public String description() {
        return description;
    }

    /** The licence of the model files as the descriptor states it (free text, e.g. an SPDX identifier). */
    public Optional<String> license() {
        return license.isEmpty() ? Optional.empty() : Optional.of(license);
    }

    /** Where the model comes from ({@code url} or {@code homepage} in the descriptor). */
    public Optional<String> homepage() {
        return homepage.isEmpty() ? Optional.empty() : Optional.of(homepage);
    }

    /** Folder that holds the model files. */
    public Path directory() {
        return directory;
    }

    /** Whether the descriptor lists a file for this format and precision. */
    public boolean supports(ModelFormat format, Precision precision) {
        return files.getOrDefault(format, Map.of()).containsKey(precision);
    }

    /** The model file for a format and precision, or empty when the descriptor lists none. */
    public Optional<Path> file(ModelFormat format, Precision precision) {
        String f = files.getOrDefault(format, Map.of()).get(precision);
        return f == null ? Optional.empty() : Optional.of(directory.resolve(f));
    }

    /** Like {@link #file} but fails with a message that says what is listed instead. */
    public Path requireFile(ModelFormat format, Precision precision) {
        Path p = file(format, precision).orElseThrow(() -> new ModelException("model '" + name + "' has no "
                + format.key() + " " + precision.key() + " file; model.json lists " + files));
        if (!Files.isRegularFile(p)) {
            throw new ModelException("model '" + name + "': " + format.key() + " " + precision.key() + " file " + p
                    + " does not exist");
        }
        return p;
    }

    /** Name of the model's input tensor. */
    public String inputName() {
        return inputName;
    }

    /** Element type of the input tensor. */
    public InputType inputType() {
        return inputType;
    }

    /** How source images are sized for the model. */
    public InputPolicy policy() {
        return policy;
    }

    /** The filter that resamples the source to the policy's size ({@code input.resize}; default {@code sdk-area}). */
    public ResizeFilter inputResize() {
        return inputResize;
    }

    /** How 8-bit pixels become the model's input values. */
    public Normalization normalization() {
        return normalization;
    }

    /** How the model's output becomes the 8-bit alpha at the source size. */
    public OutputAdapter output() {
        return output;
    }

    @Override
    public String toString() {
        return name + " (" + directory + ")";
    }
}
