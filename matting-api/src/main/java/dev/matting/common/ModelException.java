package dev.matting.common;


/** A model or its {@code model.json} descriptor is missing, malformed, or unusable by the chosen backend. */
public final class ModelException extends MattingException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the model or file and what is wrong with it. */
    public ModelException(String message) {
        super(message);
    }

    /** As {@link #ModelException(String)}, with the error that reading or loading the model raised as the cause. */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
