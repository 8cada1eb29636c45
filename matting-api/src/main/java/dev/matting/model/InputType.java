package dev.matting.model;

/** Element type of the model's input tensor: raw uint8 pixels (normalised in-graph) or normalised float32. */
public enum InputType { UINT8, FLOAT32 }
