package dev.matting.common;


/** An input could not be read as an image (missing file, unknown format, truncated or corrupt data). */
public final class ImageDecodeException extends MattingException {
    private static final long serialVersionUID = 1L;
    private final String input;

    public ImageDecodeException(String input, String cause) {
        super("cannot decode image '" + input + "': " + cause);
        this.input = input;
    }

    public ImageDecodeException(String input, String cause, Throwable error) {
        super("cannot decode image '" + input + "': " + cause, error);
        this.input = input;
    }

    /** The name of the input that failed, as {@link ImageSource#name()} gives it. */
    public String input() {
        return input;
    }
}
