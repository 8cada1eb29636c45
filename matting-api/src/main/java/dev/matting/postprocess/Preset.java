package dev.matting.postprocess;

/** The four documented scenarios of the original tool, each a ready {@link PostProcess}. */
public enum Preset {
    /** ID photo: clean hard-ish edge, no halo (threshold 15-20, erosion 2-3, feather on). */
    ID_PHOTO(18, 2, 2),
    /** E-commerce product shot: keep fine detail (threshold 10, erosion 1, feather on). */
    E_COMMERCE(10, 1, 1),
    /** Avatar: keep hair wisps (threshold 5-10, erosion 0-1, feather on). */
    AVATAR(8, 1, 2),
    /** Busy background: drop more haze and pull edges in (threshold 20-30, erosion 2-3, feather on). */
    COMPLEX_BACKGROUND(25, 3, 2);

    private final PostProcess postProcess;

    Preset(int threshold, int erosion, int featherRadius) {
        this.postProcess = PostProcess.builder().alphaThreshold(threshold).erosionRadius(erosion).feather(true)
                .featherRadius(featherRadius).build();
    }

    /** This scenario's clean-up: threshold, erosion and feathering as its constant lists, transparent background. */
    public PostProcess postProcess() {
        return postProcess;
    }
}
