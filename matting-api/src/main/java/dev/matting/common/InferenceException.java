package dev.matting.common;


/** The forward pass itself failed for a named input (engine error, wrong tensor shape from the model, ...). */
public class InferenceException extends MattingException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
