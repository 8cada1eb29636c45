package dev.matting.model;

/** Serialized model formats a backend can load; the {@code model.json} key of each is {@link #key()}. */
public enum ModelFormat {
    /** A TorchScript module ({@code .pt}), loaded by the {@code pytorch} backend. */
    TORCHSCRIPT("torchscript"),
    /** An ONNX graph ({@code .onnx}), loaded by the {@code onnxruntime} backend. */
    ONNX("onnx");

    private final String key;

    ModelFormat(String key) {
        this.key = key;
    }

    /** This format's key under {@code files} in {@code model.json}: {@code torchscript} or {@code onnx}. */
    public String key() {
        return key;
    }
}
