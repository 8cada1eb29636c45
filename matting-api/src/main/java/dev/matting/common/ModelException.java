package dev.matting.common;


/** A model or its {@code model.json} descriptor is missing, malformed, or unusable by the chosen backend. */
public final class ModelException extends MattingException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
