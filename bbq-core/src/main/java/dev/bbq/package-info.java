/**
 * bbq: a bipartite, lock-free, single-producer/single-consumer byte queue with contiguous grants
 * (the BBQueue design). Start at {@link dev.bbq.BBQueue}; this page is the map of the package.
 *
 * <h2>The public classes</h2>
 *
 * <ul>
 *   <li>{@link dev.bbq.BBQueue} makes a queue (heap, direct, the caller's memory, or a
 *       {@linkplain dev.bbq.BBQueue#createMapped memory-mapped queue file} shared with another JVM)
 *       and hands out its two halves, once each. The first half taken makes the queue raw or framed
 *       for life.</li>
 *   <li>The halves: {@link dev.bbq.Producer} and {@link dev.bbq.Consumer} move raw bytes;
 *       {@link dev.bbq.FrameProducer} and {@link dev.bbq.FrameConsumer} move frames, delivered
 *       exactly as committed. Each half belongs to one thread at a time.
 *       {@link dev.bbq.SharedFrameProducer} is the framed writing half for several threads at once
 *       (they take turns at the one producer; {@link dev.bbq.SharedFrameGrant} builds a frame in
 *       place); a queue is single-producer or shared for life.</li>
 *   <li>The grants, one per side at a time. One-shot grants are new objects that die at commit,
 *       release or close: {@link dev.bbq.WriteGrant} (raw room), {@link dev.bbq.FrameGrant} (room
 *       for one frame), {@link dev.bbq.ReadGrant} and {@link dev.bbq.SplitReadGrant} (committed raw
 *       bytes, one region or both), {@link dev.bbq.Frame} (one committed frame). Reusable grants,
 *       {@link dev.bbq.ReusableWriteGrant} and {@link dev.bbq.ReusableReadGrant}, are objects the
 *       caller keeps and passes to the grant calls, raw or framed, so that no call allocates
 *       whatever the JIT does. Grant-free calls ({@code tryWrite}, {@code writeOrDrop},
 *       {@code drain} with a {@link dev.bbq.FrameHandler}) copy or hand out frames without a grant
 *       object.</li>
 *   <li>Waiting: a {@link dev.bbq.WaitStrategy} (busy-spin, yielding, backoff, or blocking, the
 *       default) decides how blocking calls wait, and a {@link dev.bbq.Waiter} lets a strategy park
 *       a side until the other side publishes.</li>
 *   <li>{@link dev.bbq.QueueStats}: a snapshot of the counters, from {@link dev.bbq.BBQueue#stats()}.</li>
 *   <li>{@link dev.bbq.DriverThread}: the life cycle of a thread that pumps a device into a queue
 *       half or out of one (start, turns, stop, failure, counters), which the serial and Pi4J pumps
 *       run on and a pump of your own can extend.</li>
 *   <li>Streams: {@link dev.bbq.Producer#asOutputStream()} and
 *       {@link dev.bbq.Consumer#asInputStream()} put a raw queue behind {@code java.io}.</li>
 *   <li>{@link dev.bbq.QueueClosedException}: the other side, or this one, has closed.
 *       {@link dev.bbq.CorruptQueueFileException}: a queue file failed validation.
 *       {@link dev.bbq.UntrustedQueueFileException}: a path is not a queue file this user can trust
 *       (a link, another user's, writable by others).</li>
 *   <li>{@link dev.bbq.MappedOption}: how a queue file is shared ({@code SHARED_WITH_GROUP});
 *       {@link dev.bbq.BBQueue#defaultQueueDirectory()} is this user's private place for one.</li>
 * </ul>
 *
 * <h2>Inside the package</h2>
 *
 * <ul>
 *   <li>{@code Ring} is the state machine, and the only code that moves the shared indices: grant,
 *       commit, read, release, the watermark ({@code last}) and the drained-ring handshake. Its class
 *       comment lists the invariants I1 to I4 and the ordering rules R1 to R11, and every shared
 *       access in it cites its rule. The halves and grants are thin callers of {@code Ring}; a
 *       reusable grant is one more kind of caller, not a second state machine.</li>
 *   <li>{@code ControlBlock} is the layout of the words the two sides exchange ({@code write},
 *       {@code last}, {@code read}, the closed flags), on the heap for a queue inside one JVM or at
 *       the start of a mapped file. {@code FrameHeader} is the 1 to 5 byte length header in front of
 *       each frame, whose first byte doubles as the frame's in-band commit flag (R11), and its
 *       {@code INDEX_MARK}.</li>
 *   <li>{@code QueueHalf} is the base of the four halves: their {@code Ring} reference between
 *       cache-line pads ({@code LinePad}). {@code GrantBytes} holds the view-free accessors all
 *       grants share.</li>
 *   <li>{@code Waiting} holds the wait loops behind every blocking call; {@code ParkingWaiter} is a
 *       side's parking place, whose parked thread is the waiter-present flag of R9.
 *       {@code BusySpinWait}, {@code YieldingWait}, {@code BackoffWait} and {@code BlockingWait} are
 *       the strategies.</li>
 *   <li>{@code QueueFile} is the queue file: its header, validation, the claim of each half by a
 *       process, and the liveness check of the other process. {@code QueueFileSafety} is what makes
 *       a queue file safe to map apart from its contents: the space reserved at creation (no holes,
 *       so no SIGBUS on a full file system), the owner and mode checks before opening, and the
 *       default directory.</li>
 *   <li>{@code BufferAccess} holds the three {@code ByteBuffer} calls whose form depends on the JDK
 *       (slices and absolute bulk copies, JDK 13 and 16), chosen once by the JDK's version.
 *       {@code RingAccess} is the ring's payload copies: through {@code BufferAccess}, or, in a jar
 *       built with {@code -P java22-memory-segments}, through a {@code MemorySegment} on Java 22+
 *       (its {@code META-INF/versions/22} class; measured no faster, so not the default).</li>
 *   <li>{@code QueueInputStream} and {@code QueueOutputStream} are the streams; {@code Chaos} widens
 *       race windows in stress tests ({@code -Dbbq.chaos=true}); {@code StressBridge} hands the
 *       stress module the few internals its white-box tests need, through {@code dev.bbq.internal},
 *       which the module exports to {@code dev.bbq.stress} only.</li>
 * </ul>
 *
 * <p>The proof lives in {@code docs/design.md}: the states and transitions of the ring, the
 * invariants, the algorithms, and for each ordering rule R1 to R11 why it is enough and what breaks
 * without it. Change the code and that document together.
 *
 * <h2 id="memory-consistency">Memory consistency effects</h2>
 *
 * <p>A queue hands data from the producer's thread to the consumer's thread and space back the other
 * way, so its publishing calls order memory as the {@code java.util.concurrent} collections do:
 * <ul>
 *   <li>Commit (R2): actions in the producer's thread prior to committing bytes or a frame (a grant's
 *       {@code commit}, {@code tryWrite}, {@code write}, a {@code writeOrDrop} that writes,
 *       {@code readFrom}, a stream's {@code write}) <i>happen-before</i> actions in the consumer's
 *       thread after it receives those bytes: after the read call that grants them returns, or
 *       inside the {@link dev.bbq.FrameHandler} call of a drain that hands the frame over. This holds
 *       for a consumer that learns of the commit through the producer's {@code write} index and for
 *       a framed consumer that finds the frame's in-band commit flag (R11).</li>
 *   <li>Release (R4, R5): actions in the consumer's thread prior to releasing bytes or a frame,
 *       its reads of them included, <i>happen-before</i> the producer's writes into that space
 *       through a later grant. So the producer never overwrites a byte that is still being read, and
 *       the consumer may decode in place until it releases.</li>
 *   <li>Close (R10): actions in a side's thread prior to closing it, its last commit or release
 *       included, <i>happen-before</i> actions in the other side's thread after it observes the close:
 *       the consumer's end of the stream (a read returning {@code null}, {@code isClosed()}), the
 *       producer's {@link dev.bbq.QueueClosedException}. Nothing committed before a close is lost.</li>
 * </ul>
 * Nothing is published at grant time (I4): an open grant, and anything written into it, is private
 * to its side until its commit or release. Taking a grant, refusing one, and waiting publish nothing
 * either; the empty wrap a producer publishes on a drained ring (R8) carries no bytes. The halves
 * themselves are not thread-safe: handing a half or an open grant to another thread needs its own
 * <i>happens-before</i> edge. Statistics ({@link dev.bbq.QueueStats}) are read with opaque loads and
 * order nothing.
 *
 * <p>Every ordering is a release store or fence paired with an acquire load or fence; there is no
 * lock and no compare-and-set on the hot path. With a signalling wait
 * strategy, publications and waits also issue the full fences of R9, which is about waking a
 * parked thread, not about visibility. Across processes sharing a queue file the same release and
 * acquire accesses order the file's bytes; the Java memory model itself speaks only of threads in
 * one JVM.
 */
package dev.bbq;
