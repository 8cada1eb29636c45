package dev.matting.model;

import com.google.gson.JsonArray;
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
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code model.json} descriptor that sits beside a model's files: which file serves each format and precision,
 * how inputs are sized and normalised, and how the output becomes alpha. See the README for the format.
 */
public final class ModelSpec {
    /** Classpath folder of the embedded default model; backend jars carry its files. */
    public static final String BUNDLED_RESOURCE = "dev/matting/models/unet-tiny/";

    private final String name;
    private final String description;
    private final Path directory;
    private final Map<ModelFormat, Map<Precision, String>> files;
    private final String inputName;
    private final InputType inputType;
    private final InputPolicy policy;
    private final Normalization normalization;
    private final OutputAdapter output;

    private ModelSpec(String name, String description, Path directory, Map<ModelFormat, Map<Precision, String>> files,
            String inputName, InputType inputType, InputPolicy policy, Normalization normalization, OutputAdapter output) {
        this.name = name;
        this.description = description;
        this.directory = directory;
        this.files = files;
        this.inputName = inputName;
        this.inputType = inputType;
        this.policy = policy;
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
     * The embedded default model, unpacked from the backend jars into the default {@link ModelStore}'s cache folder
     * and verified against the class-path bytes ({@code ModelStore.defaults().embedded()}).
     */
    public static ModelSpec bundled() {
        return ModelStore.defaults().embedded();
    }

    /** Parses a descriptor whose files live in {@code directory}; {@code origin} names it in errors. */
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
        try {
            String name = string(root, "name", origin);
            String description = root.has("description") ? root.get("description").getAsString() : "";
            Map<ModelFormat, Map<Precision, String>> files = new EnumMap<>(ModelFormat.class);
            JsonObject filesJson = object(root, "files", origin);
            for (ModelFormat format : ModelFormat.values()) {
                if (!filesJson.has(format.key())) {
                    continue;
                }
                Map<Precision, String> byPrecision = new EnumMap<>(Precision.class);
                for (Map.Entry<String, JsonElement> e : filesJson.getAsJsonObject(format.key()).entrySet()) {
                    Precision p = switch (e.getKey().toLowerCase(Locale.ROOT)) {
                        case "fp32" -> Precision.FP32;
                        case "fp16" -> Precision.FP16;
                        default -> throw new ModelException(origin + ": files." + format.key() + " has unknown precision '"
                                + e.getKey() + "' (expected fp32 or fp16)");
                    };
                    byPrecision.put(p, e.getValue().getAsString());
                }
                files.put(format, Map.copyOf(byPrecision));
            }
            if (files.isEmpty()) {
                throw new ModelException(origin + ": 'files' lists no torchscript or onnx model");
            }
            JsonObject input = object(root, "input", origin);
            String inputName = input.has("name") ? input.get("name").getAsString() : "input";
            InputType type = input.has("dtype") ? enumValue(InputType.class, input.get("dtype").getAsString(), "input.dtype", origin)
                    : InputType.FLOAT32;
            if (input.has("layout") && !input.get("layout").getAsString().equalsIgnoreCase("NCHW")) {
                throw new ModelException(origin + ": only NCHW input layout is supported, got " + input.get("layout"));
            }
            if (input.has("channels") && !input.get("channels").getAsString().equalsIgnoreCase("RGB")) {
                throw new ModelException(origin + ": only RGB channel order is supported, got " + input.get("channels"));
            }
            JsonObject pol = object(input, "policy", origin);
            String kind = string(pol, "kind", origin);
            InputPolicy policy = switch (kind) {
                case "fixed-square" -> new InputPolicy.FixedSquare(pol.get("size").getAsInt());
                case "longest-side" -> new InputPolicy.LongestSide(pol.get("size").getAsInt(),
                        pol.has("multiple") ? pol.get("multiple").getAsInt() : 1);
                default -> throw new ModelException(origin + ": input.policy.kind '" + kind
                        + "' is unknown (expected fixed-square or longest-side)");
            };
            JsonObject norm = object(root, "normalization", origin);
            Normalization normalization = new Normalization(norm.has("inGraph") && norm.get("inGraph").getAsBoolean(),
                    norm.has("scale") ? norm.get("scale").getAsDouble() : 1 / 255.0, floats(norm, "mean", origin),
                    floats(norm, "std", origin));
            if (type == InputType.UINT8 && !normalization.inGraph()) {
                throw new ModelException(origin + ": a uint8 input must be normalised in-graph (normalization.inGraph: true)");
            }
            if (type == InputType.FLOAT32 && normalization.inGraph()) {
                throw new ModelException(origin + ": normalization.inGraph is only meaningful for a uint8 input");
            }
            JsonObject out = object(root, "output", origin);
            OutputAdapter output = new OutputAdapter(out.has("index") ? out.get("index").getAsInt() : 0,
                    out.has("channel") ? out.get("channel").getAsInt() : 0,
                    out.has("activation") ? enumValue(OutputAdapter.Activation.class, out.get("activation").getAsString(),
                            "output.activation", origin) : OutputAdapter.Activation.NONE);
            return new ModelSpec(name, description, directory, Map.copyOf(files), inputName, type, policy,
                    normalization, output);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
            throw new ModelException(origin + ": " + e.getMessage(), e);
        }
    }

    static ModelSpec parse(InputStream in, Path directory, String origin) throws IOException {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(r, directory, origin);
        }
    }

    private static String string(JsonObject o, String key, String origin) {
        if (!o.has(key) || !o.get(key).isJsonPrimitive()) {
            throw new ModelException(origin + ": missing string '" + key + "'");
        }
        return o.get(key).getAsString();
    }

    private static JsonObject object(JsonObject o, String key, String origin) {
        if (!o.has(key) || !o.get(key).isJsonObject()) {
            throw new ModelException(origin + ": missing object '" + key + "'");
        }
        return o.getAsJsonObject(key);
    }

    private static float[] floats(JsonObject o, String key, String origin) {
        if (!o.has(key) || !o.get(key).isJsonArray()) {
            throw new ModelException(origin + ": missing array 'normalization." + key + "'");
        }
        JsonArray a = o.getAsJsonArray(key);
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String field, String origin) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ModelException(origin + ": " + field + " '" + text + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Folder that holds the model files. */
    public Path directory() {
        return directory;
    }

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

    public String inputName() {
        return inputName;
    }

    public InputType inputType() {
        return inputType;
    }

    public InputPolicy policy() {
        return policy;
    }

    public Normalization normalization() {
        return normalization;
    }

    public OutputAdapter output() {
        return output;
    }

    @Override
    public String toString() {
        return name + " (" + directory + ")";
    }
}
