package dev.matting.model;

/** Serialized model formats a backend can load; the {@code model.json} key of each is {@link #key()}. */
public enum ModelFormat {
    TORCHSCRIPT("torchscript"), ONNX("onnx");

    private final String key;

    ModelFormat(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
