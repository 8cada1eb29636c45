package dev.matting.model;

/** Which model output holds the alpha and what it still needs: nothing, a sigmoid, or a min-max rescale to [0, 1]. */
public record OutputAdapter(int index, int channel, Activation activation) {

    /** The transform that turns the raw output into alpha in [0, 1]. */
    public enum Activation { NONE, SIGMOID, MINMAX }

    public OutputAdapter {
        if (index < 0 || channel < 0) {
            throw new IllegalArgumentException("output index and channel must be >= 0");
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation is null");
        }
    }

    /** Applies the activation in place to one image's alpha plane. */
    public void apply(float[] alpha) {
        switch (activation) {
            case NONE -> {
                for (int i = 0; i < alpha.length; i++) {
                    alpha[i] = Math.min(1f, Math.max(0f, alpha[i]));
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < alpha.length; i++) {
                    alpha[i] = (float) (1.0 / (1.0 + Math.exp(-alpha[i])));
                }
            }
            case MINMAX -> {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : alpha) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                float range = hi - lo;
                for (int i = 0; i < alpha.length; i++) {
                    alpha[i] = range > 1e-12f ? (alpha[i] - lo) / range : 0f;
                }
            }
        }
    }
}
