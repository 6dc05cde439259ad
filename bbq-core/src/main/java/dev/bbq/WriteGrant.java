package dev.bbq;

/**
 * A contiguous region of the ring reserved for the producer: fill it through {@link #buffer() buffer()},
 * then {@link #commit(int)} the bytes written.
 *
 * <p>Nothing is visible to the consumer before the commit. Committing fewer bytes than were
 * granted publishes only those; the rest returns to the free space. {@link #close() close()} without a
 * commit commits nothing, so a grant in a try-with-resources block is never left open:
 *
 * <pre>{@code
 * try (WriteGrant grant = producer.tryGrantExact(len)) {
 *     if (grant != null) {
 *         grant.buffer().put(bytes, 0, len);
 *         grant.commit(len);
 *     }
 * }
 * }</pre>
 *
 * <p>Once committed or closed the grant is dead: {@code buffer()} and {@code commit} throw
 * {@link IllegalStateException}, even after newer grants were made. Do not keep using the buffer
 * after the commit; its bytes belong to the consumer from then on.
 */
public final class WriteGrant extends OneShotWriteGrant {

    WriteGrant(Ring ring, long id, int start, int length) {
        super(ring, id, start, length);
    }

    /**
     * The size of the grant: the most bytes one commit of it can publish.
     *
     * @return the number of bytes granted
     */
    public int length() {
        return room;
    }

    /**
     * Publishes the first {@code used} bytes to the consumer and ends the grant; the remaining
     * {@code length() - used} bytes return to the free space. {@code commit(0)} publishes nothing.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to the commit, including
     * its writes into the grant, <i>happen-before</i> actions in the consumer's thread after a read hands it
     * these bytes.
     *
     * @param used how many of the granted bytes, counted from the first, to publish: 0 to
     *        {@link #length() length()}
     * @throws IllegalArgumentException if {@code used} is negative or larger than {@link #length() length()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already committed or closed
     */
    public void commit(int used) {
        commit(ring, id, room, used);
    }

    // Grant methods only pass primitives on, so the grant itself never escapes (see Ring, "Grants").
    private static void commit(Ring ring, long id, int length, int used) {
        ring.commitBytes(checkCommit(ring, id, length, used, "commit"));
        ring.writes.end();
    }

    @Override
    public String toString() {
        return describe("WriteGrant", "length");
    }
}
