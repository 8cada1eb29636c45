package dev.matting.common;


/** An input could not be read as an image (missing file, unknown format, truncated or corrupt data). */
public final class ImageDecodeException extends MattingException {
    private static final long serialVersionUID = 1L;
    /** The name of the input that failed, as {@link ImageSource#name()} gives it. */
    private final String input;

    /**
     * The input could not be decoded.
     *
     * @param input the input's name, as {@link ImageSource#name()} gives it
     * @param cause why it could not, e.g. {@code no such file}
     */
    public ImageDecodeException(String input, String cause) {
        super("cannot decode image '" + input + "': " + cause);
        this.input = input;
    }

    /**
     * The input could not be decoded because of {@code error}.
     *
     * @param input the input's name, as {@link ImageSource#name()} gives it
     * @param cause why it could not, in words
     * @param error the exception that stopped the decoder or the read
     */
    public ImageDecodeException(String input, String cause, Throwable error) {
        super("cannot decode image '" + input + "': " + cause, error);
        this.input = input;
    }

    /** The name of the input that failed, as {@link ImageSource#name()} gives it. */
    public String input() {
        return input;
    }
}
