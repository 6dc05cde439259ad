/**
 * Frames on a byte stream, for links that carry bytes without boundaries (a UART, a socket): the
 * bridge between a raw queue, which moves bytes, and a framed queue, which moves frames.
 *
 * <p>A wire frame is {@code COBS([payload][check]) 0x00}. {@link dev.bbq.wire.Cobs} removes every
 * 0x00 from the payload so that 0x00 can end frames and a receiver that lost track resynchronises
 * at the next one; {@link dev.bbq.wire.FrameCheck} chooses the check ({@link dev.bbq.wire.Crc16},
 * CRC-32C or none) that catches frames damaged on the line.
 *
 * <ul>
 *   <li>Sending: {@link dev.bbq.wire.FrameEncoder} encodes a payload in place, into an array, a
 *       buffer or straight into a raw queue's write grant, ready for a device sink.</li>
 *   <li>Receiving: {@link dev.bbq.wire.Deframer} scans a raw queue's read grants (or any array or
 *       buffer), releases each grant as soon as it has been scanned, and delivers the valid payloads
 *       to a {@link dev.bbq.FrameHandler} or into a framed queue; every rejected frame is counted
 *       once in its {@link dev.bbq.wire.DeframerStats}.</li>
 * </ul>
 *
 * <p>Encoders and deframers belong to one thread at a time. They publish only through the queues
 * they are given, so the memory consistency effects are those of the queue calls they make (see
 * {@link dev.bbq}): a payload written by an encoder is visible to the thread that reads its frame.
 */
package dev.bbq.wire;
