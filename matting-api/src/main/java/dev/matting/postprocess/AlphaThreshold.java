package dev.matting.postprocess;

/** Sets alpha values below a threshold to 0, in place. */
final class AlphaThreshold {
    private AlphaThreshold() {
    }

    static void apply(byte[] alpha, int threshold) {
        for (int i = 0; i < alpha.length; i++) {
            if ((alpha[i] & 0xff) < threshold) {
                alpha[i] = 0;
            }
        }
    }
}
