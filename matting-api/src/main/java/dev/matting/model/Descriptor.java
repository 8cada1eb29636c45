package dev.matting.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates one {@code model.json} into a {@link ModelSpec}. Every rule names the file and the field that
 * broke it, and every number is range-checked here, so nothing downstream sees a size that could overflow.
 */
final class Descriptor {
    private static final Set<String> ROOT = Set.of("name", "version", "description", "license", "url", "homepage",
            "files", "input", "normalization", "output");
    private static final Set<String> INPUT = Set.of("name", "dtype", "layout", "channels", "policy", "resize");
    private static final Set<String> NORMALIZATION = Set.of("inGraph", "scale", "mean", "std");
    private static final Set<String> OUTPUT = Set.of("name", "index", "channel", "activation", "quantize", "resize");
    /** Output index and channel: far above what any model has, low enough to say "typo" when exceeded. */
    private static final int MAX_OUTPUT_SLOT = 1023;

    private final String origin;

    private Descriptor(String origin) {
        this.origin = origin;
    }

    static ModelSpec read(JsonObject root, Path directory, String origin) {
        return new Descriptor(origin).spec(root, directory);
    }

    private ModelSpec spec(JsonObject root, Path directory) {
        for (String k : root.keySet()) {
            if (!ROOT.contains(k) && !k.startsWith("x-")) {
                throw error(k, "is not a model.json field (known: " + String.join(", ", sorted(ROOT))
                        + "; extensions start with x-)");
            }
        }
        String name = requiredText(root, "name", "");
        String description = optionalText(root, "description", "");
        String license = optionalText(root, "license", "");
        String homepage = optionalText(root, "url", optionalText(root, "homepage", ""));
        if (root.has("version")) {
            integer(root, "version", "", 0, Integer.MAX_VALUE);
        }
        Map<ModelFormat, Map<Precision, String>> files = files(object(root, "files", ""));

        JsonObject input = object(root, "input", "");
        onlyKeys(input, "input", INPUT);
        String inputName = input.has("name") ? requiredText(input, "name", "input") : "input";
        InputType type = input.has("dtype") ? choice(input, "dtype", "input", InputType.class) : InputType.FLOAT32;
        if (input.has("layout") && !text(input, "layout", "input").equalsIgnoreCase("NCHW")) {
            throw error("input.layout", "must be NCHW, got '" + text(input, "layout", "input") + "'");
        }
        if (input.has("channels") && !text(input, "channels", "input").equalsIgnoreCase("RGB")) {
            throw error("input.channels", "must be RGB, got '" + text(input, "channels", "input") + "'");
        }
        InputPolicy policy = policy(object(input, "policy", "input"));
        ResizeFilter inputResize = input.has("resize") ? filter(input, "resize", "input") : ResizeFilter.SDK_AREA;

        Normalization normalization = normalization(object(root, "normalization", ""), type, inputResize);

        JsonObject out = object(root, "output", "");
        onlyKeys(out, "output", OUTPUT);
        if (out.has("name")) {
            requiredText(out, "name", "output");
        }
        int index = out.has("index") ? integer(out, "index", "output", 0, MAX_OUTPUT_SLOT) : 0;
        int channel = out.has("channel") ? integer(out, "channel", "output", 0, MAX_OUTPUT_SLOT) : 0;
        OutputAdapter.Activation activation = out.has("activation")
                ? choice(out, "activation", "output", OutputAdapter.Activation.class) : OutputAdapter.Activation.NONE;
        OutputAdapter.Quantize quantize = out.has("quantize")
                ? choice(out, "quantize", "output", OutputAdapter.Quantize.class) : OutputAdapter.Quantize.ROUND;
        ResizeFilter outputResize = out.has("resize") ? filter(out, "resize", "output") : ResizeFilter.SDK_AREA;
        return new ModelSpec(name, description, license, homepage, directory, files, inputName, type, policy,
                inputResize, normalization, new OutputAdapter(index, channel, activation, quantize, outputResize));
    }

    private Map<ModelFormat, Map<Precision, String>> files(JsonObject filesJson) {
        Map<ModelFormat, Map<Precision, String>> files = new EnumMap<>(ModelFormat.class);
        for (String key : filesJson.keySet()) {
            ModelFormat format = null;
            for (ModelFormat f : ModelFormat.values()) {
                if (f.key().equals(key)) {
                    format = f;
                }
            }
            if (format == null) {
                throw error("files." + key, "is not a model format (known: torchscript, onnx)");
            }
            JsonObject byPrecisionJson = object(filesJson, key, "files");
            Map<Precision, String> byPrecision = new EnumMap<>(Precision.class);
            for (String p : byPrecisionJson.keySet()) {
                Precision precision = switch (p.toLowerCase(Locale.ROOT)) {
                    case "fp32" -> Precision.FP32;
                    case "fp16" -> Precision.FP16;
                    default -> throw error("files." + key + "." + p, "is not a precision (expected fp32 or fp16)");
                };
                byPrecision.put(precision, requiredText(byPrecisionJson, p, "files." + key));
            }
            if (byPrecision.isEmpty()) {
                throw error("files." + key, "lists no file (give fp32 and/or fp16)");
            }
            files.put(format, Map.copyOf(byPrecision));
        }
        if (files.isEmpty()) {
            throw error("files", "lists no torchscript or onnx model");
        }
        return Map.copyOf(files);
    }

    private InputPolicy policy(JsonObject pol) {
        String where = "input.policy";
        String kind = text(pol, "kind", where);
        int max = InputPolicy.MAX_SIDE;
        switch (kind) {
            case "fixed-square" -> {
                onlyKeys(pol, where, Set.of("kind", "size"));
                return new InputPolicy.FixedSquare(integer(pol, "size", where, 1, max));
            }
            case "longest-side" -> {
                onlyKeys(pol, where, Set.of("kind", "size", "multiple"));
                int size = integer(pol, "size", where, 1, max);
                int multiple = pol.has("multiple") ? integer(pol, "multiple", where, 1, max) : 1;
                long padded = ((long) size + multiple - 1) / multiple * multiple;
                if (padded > max) {
                    throw error(where + ".multiple", "pads size " + size + " to " + padded + ", more than " + max);
                }
                return new InputPolicy.LongestSide(size, multiple);
            }
            case "stretch" -> {
                onlyKeys(pol, where, Set.of("kind", "width", "height"));
                return new InputPolicy.Stretch(integer(pol, "width", where, 1, max), integer(pol, "height", where, 1, max));
            }
            case "short-side" -> {
                onlyKeys(pol, where, Set.of("kind", "size", "multiple"));
                int size = integer(pol, "size", where, 1, max);
                int multiple = pol.has("multiple") ? integer(pol, "multiple", where, 1, size) : 1;
                return new InputPolicy.ShortSide(size, multiple);
            }
            default -> throw error(where + ".kind", "'" + kind
                    + "' is not a policy (expected fixed-square, longest-side, stretch or short-side)");
        }
    }

    private Normalization normalization(JsonObject norm, InputType type, ResizeFilter inputResize) {
        String where = "normalization";
        onlyKeys(norm, where, NORMALIZATION);
        boolean inGraph = false;
        if (norm.has("inGraph")) {
            JsonElement e = norm.get("inGraph");
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw error(where + ".inGraph", "must be true or false, got " + e);
            }
            inGraph = e.getAsBoolean();
        }
        if (type == InputType.UINT8 && !inGraph) {
            throw error(where + ".inGraph", "must be true for a uint8 input: the model normalises its pixels itself");
        }
        if (type == InputType.FLOAT32 && inGraph) {
            throw error(where + ".inGraph", "is only meaningful for a uint8 input (input.dtype is float32)");
        }
        double[] mean = numbers(norm, "mean", where, false);
        double[] std = numbers(norm, "std", where, true);
        JsonElement scale = norm.get("scale");
        if (scale != null && scale.isJsonPrimitive() && scale.getAsJsonPrimitive().isString()) {
            String s = scale.getAsString();
            if (!s.equals("image-max")) {
                throw error(where + ".scale", "must be a number or \"image-max\", got \"" + s + "\"");
            }
            if (type != InputType.FLOAT32) {
                throw error(where + ".scale", "\"image-max\" needs input.dtype float32 (the SDK normalises)");
            }
            if (inputResize == ResizeFilter.AREA) {
                // the area filter resamples a float32 input after normalising it, so there is no 8-bit image to scan
                throw error(where + ".scale", "\"image-max\" needs an 8-bit input.resize (lanczos, bicubic, bilinear,"
                        + " box or sdk-area), not " + inputResize.key());
            }
            return Normalization.imageMax(mean, std);
        }
        double factor = 1 / 255.0;
        if (scale != null) {
            factor = number(norm, "scale", where);
            if (!(factor > 0)) {
                throw error(where + ".scale", "must be > 0, got " + scale);
            }
        }
        return new Normalization(inGraph, factor, mean, std, false);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private ModelException error(String field, String message) {
        return new ModelException(origin + ": " + field + " " + message);
    }

    private static String path(String where, String key) {
        return where.isEmpty() ? key : where + "." + key;
    }

    private void onlyKeys(JsonObject o, String where, Set<String> allowed) {
        for (String k : o.keySet()) {
            if (!allowed.contains(k)) {
                throw error(path(where, k), "is not a field of " + where + " (known: "
                        + String.join(", ", sorted(allowed)) + ")");
            }
        }
    }

    private static java.util.List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private JsonObject object(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null) {
            throw error(path(where, key), "is missing (an object)");
        }
        if (!e.isJsonObject()) {
            throw error(path(where, key), "must be an object, got " + e);
        }
        return e.getAsJsonObject();
    }

    private String text(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null) {
            throw error(path(where, key), "is missing (a string)");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error(path(where, key), "must be a string, got " + e);
        }
        return e.getAsString();
    }

    private String requiredText(JsonObject o, String key, String where) {
        String s = text(o, key, where);
        if (s.isBlank()) {
            throw error(path(where, key), "must not be empty");
        }
        return s;
    }

    private String optionalText(JsonObject o, String key, String fallback) {
        return o.has(key) ? text(o, key, "") : fallback;
    }

    private double number(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(path(where, key), "must be a number, got " + e);
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v)) {
            throw error(path(where, key), "must be finite, got " + e);
        }
        return v;
    }

    private int integer(JsonObject o, String key, String where, int min, int max) {
        JsonElement e = o.get(key);
        String field = path(where, key);
        if (e == null) {
            throw error(field, "is missing (a whole number " + min + ".." + max + ")");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(field, "must be a whole number " + min + ".." + max + ", got " + e);
        }
        BigDecimal d;
        try {
            d = e.getAsBigDecimal();
        } catch (NumberFormatException ex) {
            throw error(field, "must be a whole number " + min + ".." + max + ", got " + e);
        }
        if (d.stripTrailingZeros().scale() > 0) {
            throw error(field, "must be a whole number, got " + e);
        }
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw error(field, "must be " + min + ".." + max + ", got " + e);
        }
        return d.intValueExact();
    }

    private double[] numbers(JsonObject o, String key, String where, boolean positive) {
        JsonElement e = o.get(key);
        String field = path(where, key);
        if (e == null) {
            throw error(field, "is missing (3 numbers, R G B)");
        }
        if (!e.isJsonArray() || e.getAsJsonArray().size() != 3) {
            throw error(field, "must be an array of 3 numbers (R G B), got " + e);
        }
        JsonArray a = e.getAsJsonArray();
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !((JsonPrimitive) x).isNumber() || !Double.isFinite(x.getAsDouble())) {
                throw error(field + "[" + i + "]", "must be a finite number, got " + x);
            }
            v[i] = x.getAsDouble();
            if (positive && !(v[i] > 0)) {
                throw error(field + "[" + i + "]", "must be > 0, got " + x);
            }
        }
        return v;
    }

    private <E extends Enum<E>> E choice(JsonObject o, String key, String where, Class<E> type) {
        String t = text(o, key, where);
        try {
            return Enum.valueOf(type, t.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException ex) {
            StringBuilder known = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                known.append(known.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw error(path(where, key), "'" + t + "' is not one of " + known);
        }
    }

    private ResizeFilter filter(JsonObject o, String key, String where) {
        String t = text(o, key, where);
        try {
            return ResizeFilter.fromKey(t);
        } catch (IllegalArgumentException ex) {
            StringBuilder known = new StringBuilder();
            for (ResizeFilter f : ResizeFilter.values()) {
                known.append(known.length() == 0 ? "" : ", ").append(f.key());
            }
            throw error(path(where, key), "'" + t + "' is not a filter (known: " + known + ")");
        }
    }
}
