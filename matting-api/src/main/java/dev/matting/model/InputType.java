package dev.matting.model;

/** Element type of the model's input tensor: raw uint8 pixels (normalised in-graph) or normalised float32. */
public enum InputType {
    /** 8-bit R G B pixels, resized but not normalised: the model normalises them in its graph. */
    UINT8,
    /** float32 values the SDK has normalised by the model's {@link Normalization}. */
    FLOAT32
}
