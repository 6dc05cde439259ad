package dev.bbq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock that lets several threads take turns as a {@link SharedFrameProducer}'s one producer.
 *
 * <p>Implementation notes. The ring's producer side (its private fields {@code pWrite},
 * {@code pReadCache}, its open-grant id, its counters, its waiter) stays single-writer: only the
 * thread that holds this lock touches it, so the single-producer path and its proof (R1 to R12 in
 * {@code docs/design.md}) are unchanged. Two rules of their own carry the hand-over (section 10 of
 * design.md):
 * <ul>
 * <li>S1, hand-over. A thread takes the lock with a CAS from {@code FREE} (volatile: an acquire)
 *     and gives it back with a release store of {@code FREE}. Every access the previous holder made
 *     to the producer's private fields happens-before every access of the next holder.
 * <li>S2, counted refusals. A thread that is refused because another holds the producer for long
 *     cannot touch the ring's single-writer counters, so it adds its refusal or drop to a pending
 *     count (a volatile read-modify-write) and then tries the lock once, folding the counts in itself
 *     if it got it. If its try fails, a holder took the lock before that try, and every holder folds
 *     the pending counts in before it releases: the first holder whose CAS comes after the refused
 *     thread's failed try reads the counts after it (both CASes and the count's add and read are
 *     volatile, so sequentially consistent among themselves) and folds them in. A count waits at most
 *     until the next turn ends; {@link BBQueue#stats()} takes a free lock once to fold what waits.
 * </ul>
 *
 * <p>Why the release is not volatile: a volatile store is a full fence (x86 {@code xchg}, ARM
 * {@code dmb ish} after it), which makes the producer wait, once per frame, until every store of the
 * frame it just wrote owns its cache line, lines the consumer is reading. An earlier S2 that looked
 * at the pending counts after a volatile release (Dekker's pattern) cost that wait: with one producer
 * and the consumer keeping up, 6.7 million 64-byte frames per second against 13.9 million with the
 * release store (docs/performance.md, "Several producer threads").
 *
 * <p>The state says what the holder is doing, which is what a try-form needs to know: {@code COPYING}
 * (a copy of one frame, no user code and no waiting; a try-form spins until it ends) or
 * {@code HOLDING} (a grant in user hands, or a wait for room; a try-form fails at once, because
 * waiting for it would be waiting for room or for user code).
 *
 * <p>Blocking acquirers poll with growing parks (at most {@link #MAX_PARK_NANOS}) instead of queueing:
 * a wait queue needs a node per waiter (AbstractQueuedSynchronizer allocates one), and waiting paths
 * allocate nothing. Nobody has to wake such a waiter, so no wake-up can be lost; the price is up to
 * 1 ms of extra latency for a thread that waited for another's grant or wait to end. The one thread
 * that waits for room holds the lock and parks in the ring's producer waiter, which the consumer
 * signals as before (R9).
 */
final class SharedProducerLock extends SharedProducerLockPad {
    static final int FREE = 0;
    static final int COPYING = 1;
    static final int HOLDING = 2;

    /** Spins before a try-form starts yielding to a holder that may have been descheduled. */
    private static final int SPINS = 100;
    private static final long MAX_PARK_NANOS = 1_000_000L;

    /** Tries the lock for a copy: spins while another thread copies, fails while one holds it for long. */
    boolean tryAcquireForCopy() {
        for (int round = 0; ; round++) {
            int s = (int) STATE.getVolatile(this); // S1
            if (s == FREE) {
                if (STATE.compareAndSet(this, FREE, COPYING)) { // S1: acquire
                    OWNER.setOpaque(this, Thread.currentThread()); // S1: read only by the owner itself
                    return true;
                }
            } else if (s == HOLDING) {
                return false;
            } else if (round < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // 2 cores, several producers: the copier may be off the CPU
            }
        }
    }

    /** One attempt, no spinning: for S2's fold-in. */
    boolean tryAcquireOnce() {
        if (STATE.compareAndSet(this, FREE, COPYING)) { // S1, S2
            OWNER.setOpaque(this, Thread.currentThread());
            return true;
        }
        return false;
    }

    /**
     * Takes the lock for a copy, waiting up to {@code nanos} (at least one attempt).
     *
     * @return whether the lock is now held
     */
    boolean acquire(long nanos) throws InterruptedException {
        long start = System.nanoTime();
        long park = 1_000L;
        for (int round = 0; ; round = Waiting.nextRound(round)) { // a wrapped round would spin again
            if ((int) STATE.getVolatile(this) == FREE && tryAcquireOnce()) { // S1
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : nanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                return false;
            }
            if (round < SPINS) {
                Thread.onSpinWait();
            } else if (round < 2 * SPINS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, Math.min(park, remaining));
                park = Math.min(park * 2, MAX_PARK_NANOS);
            }
        }
    }

    /** Says that the holder keeps the producer for long (a grant, a wait for room): try-forms fail. */
    void hold() {
        STATE.setRelease(this, HOLDING); // S1: only the holder writes the state while held
    }

    /** Whether the calling thread holds the lock. */
    boolean heldByCurrentThread() {
        return OWNER.getOpaque(this) == Thread.currentThread(); // S1: only a thread can store itself
    }

    /** Gives the lock back (the caller holds it). */
    void release() {
        OWNER.setOpaque(this, null);
        STATE.setRelease(this, FREE); // S1: release (no full fence: see the class comment)
    }

    private static final VarHandle STATE;
    private static final VarHandle OWNER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(SharedProducerLockFields.class, "state", int.class);
            OWNER = lookup.findVarHandle(SharedProducerLockFields.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

abstract class SharedProducerLockFields extends LinePad {
    /** FREE, COPYING or HOLDING; CAS'd by every producer thread, so it sits between pads. */
    int state;
    /** The holder, or null: lets a thread tell that it holds the lock itself. */
    Thread owner;
}

abstract class SharedProducerLockPad extends SharedProducerLockFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}
