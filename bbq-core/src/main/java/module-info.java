/**
 * bbq: a bipartite, lock-free, single-producer/single-consumer byte queue with contiguous grants.
 * See {@link dev.bbq.BBQueue}.
 */
module dev.bbq.core {
    exports dev.bbq;
    exports dev.bbq.wire;
}
