package dev.matting.common;


/** The forward pass itself failed for a named input (engine error, wrong tensor shape from the model, ...). */
public class InferenceException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the input and what went wrong in the forward pass. */
    public InferenceException(String message) {
        super(message);
    }

    /** As {@link #InferenceException(String)}, with the engine's own error as the cause. */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
