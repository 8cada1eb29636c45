package dev.matting.api;

/** The order in which a {@link BatchJob} hands results to its {@link ResultSink}. */
public enum ResultOrder {
    /**
     * As each input finishes (the default): the sink runs on several threads at once, and a slow input never holds
     * back the ones behind it, so throughput is the best. Each {@link BatchItem} carries its input and index.
     */
    COMPLETION,
    /**
     * In input order, one at a time: results that finish early wait (holding their in-flight slot) until every
     * earlier input has been delivered, so one slow input can stall the job for a while; memory stays bounded.
     */
    INPUT
}
