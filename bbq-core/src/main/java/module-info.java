/**
 * bbq: a bipartite, lock-free, single-producer/single-consumer byte queue with contiguous grants.
 * See {@link dev.bbq.BBQueue}.
 */
@SuppressWarnings("module") // javac cannot see dev.bbq.stress, the target of a qualified export below
module dev.bbq.core {
    exports dev.bbq;
    exports dev.bbq.wire;
    // Not API: the stress module's white-box tests (jcstress litmus tests, soak, model checks) reach
    // the state machine through it. dev.bbq.stress is that module's Automatic-Module-Name.
    exports dev.bbq.internal to dev.bbq.stress;
}
