package dev.matting.testing;

/** How close two alpha planes are: IoU of their masks at 0.5, and the largest and mean absolute difference. */
public final class AlphaMetrics {
    private AlphaMetrics() {
    }

    /** Intersection over union of {@code a >= 0.5} and {@code b >= 0.5}; 1 when both masks are empty. */
    public static double iou(float[] a, float[] b) {
        return iou(a, b, 0.5f);
    }

    /** Intersection over union of the masks {@code a >= threshold} and {@code b >= threshold}. */
    public static double iou(float[] a, float[] b, float threshold) {
        requireSameLength(a, b);
        long inter = 0;
        long union = 0;
        for (int i = 0; i < a.length; i++) {
            boolean pa = a[i] >= threshold;
            boolean pb = b[i] >= threshold;
            if (pa && pb) {
                inter++;
            }
            if (pa || pb) {
                union++;
            }
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        requireSameLength(a, b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    public static double meanAbsDiff(float[] a, float[] b) {
        requireSameLength(a, b);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((double) a[i] - b[i]);
        }
        return a.length == 0 ? 0 : sum / a.length;
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("alpha planes differ in size: " + a.length + " vs " + b.length);
        }
    }
}
